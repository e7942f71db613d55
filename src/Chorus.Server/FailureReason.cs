namespace Chorus.Server;

/// <summary>The <c>reason</c> label of <c>nv_inference_request_failure</c>, as Triton names them.</summary>
internal enum FailureReason
{
    /// <summary>
    /// The server refused the request (a 4xx answer: malformed, invalid or too large). Triton counts failures that are
    /// neither scheduler rejections nor backend failures as OTHER; Chorus has no scheduler queue, so it has no REJECTED.
    /// </summary>
    Other,

    /// <summary>The client went away before the answer.</summary>
    Canceled,

    /// <summary>The model or ensemble failed or could not answer (5xx).</summary>
    Backend,
}
