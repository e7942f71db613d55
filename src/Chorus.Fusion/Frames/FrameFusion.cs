using System.Globalization;

namespace Chorus.Fusion.Frames;

/// <summary>
/// Brings the frame scores of several voice-activity members, each with its own frame size, onto one grid of
/// <see cref="FrameFusionOptions.GridHopSeconds"/> and fuses them frame by frame. Streaming: members push frames in
/// time order (each member on its own), <see cref="TakeReady"/> hands out the grid frames that every live member has
/// covered, and <see cref="Complete"/> hands out the rest at the end of the stream. One instance per stream; not
/// thread-safe (the caller serialises calls).
/// </summary>
/// <remarks>
/// Grid frame k covers [k·hop, (k+1)·hop). A member's value for it is the overlap-weighted mean of that member's
/// frames overlapping it; a member with no frame overlapping it is absent from it. Soft mode gives the weighted mean of
/// the present members' values, hard mode the weighted share of present members whose value is at least
/// <see cref="FrameFusionOptions.BinarizeThreshold"/>; weights are renormalised over the present members (equal weights
/// when all present members weigh 0). A member marked failed keeps counting for the grid frames it had covered
/// completely before it failed and is absent from all later ones.
/// </remarks>
public sealed class FrameFusion
{
    /// <summary>Times closer than this (seconds) are equal: frame times are sums of float steps.</summary>
    internal const double TimeEpsilon = 1e-9;

    private const double OverlapEpsilon = 1e-12;
    private const double BinarizeTolerance = 1e-9;

    private readonly int _memberCount;
    private readonly double _hop;
    private readonly double[] _weights;
    private readonly FrameFusionMode _mode;
    private readonly double _threshold;
    private readonly double[] _coverage;
    private readonly bool[] _failed;
    private readonly double[] _failedCoverage;
    private int _liveMembers;
    private bool _completed;

    // Pending grid frames from _first on, in a ring of _capacity slots starting at _head; each slot holds, per member,
    // Σ probability·overlap and Σ overlap.
    private double[] _sums;
    private double[] _overlaps;
    private int _capacity;
    private int _head;
    private int _count;
    private long _first;

    /// <summary>Creates the fusion for one stream.</summary>
    /// <param name="memberCount">The number of members, 1 to 64.</param>
    /// <param name="options">The grid, mode, weights and binarize threshold.</param>
    /// <exception cref="FusionConfigurationException">The member count, weights, grid hop or threshold cannot work.</exception>
    public FrameFusion(int memberCount, FrameFusionOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        const string Who = "Frame fusion";
        MemberWeights.CheckMemberCount(memberCount, Who);
        _weights = MemberWeights.Validate(options.Weights, memberCount, Who);
        if (!double.IsFinite(options.GridHopSeconds) || options.GridHopSeconds < 1e-4)
        {
            throw new FusionConfigurationException(
                $"{Who}: the grid hop is {options.GridHopSeconds.ToString(CultureInfo.InvariantCulture)} s; give a finite hop of at least 0.0001 s (0.032 is silero's 512 samples at 16 kHz).");
        }

        if (!float.IsFinite(options.BinarizeThreshold) || options.BinarizeThreshold is < 0f or > 1f)
        {
            throw new FusionConfigurationException(
                $"{Who}: the binarize threshold is {options.BinarizeThreshold.ToString(CultureInfo.InvariantCulture)}; give a probability in [0, 1].");
        }

        if (!Enum.IsDefined(options.Mode))
        {
            throw new FusionConfigurationException($"{Who}: unknown mode {(int)options.Mode}; use Soft or Hard.");
        }

        _memberCount = memberCount;
        _hop = options.GridHopSeconds;
        _mode = options.Mode;
        _threshold = options.BinarizeThreshold;
        _coverage = new double[memberCount];
        _failed = new bool[memberCount];
        _failedCoverage = new double[memberCount];
        _liveMembers = memberCount;
        _capacity = 64;
        _sums = new double[_capacity * memberCount];
        _overlaps = new double[_capacity * memberCount];
    }

    /// <summary>The number of members.</summary>
    public int MemberCount => _memberCount;

    /// <summary>The grid hop in seconds.</summary>
    public double GridHopSeconds => _hop;

    /// <summary>Whether <see cref="MarkFailed"/> was called for a member.</summary>
    public bool IsFailed(int member)
    {
        CheckMember(member);
        return _failed[member];
    }

    /// <summary>
    /// Adds one frame of one member. Each member's frames come in time order without overlap (gaps are allowed and
    /// leave the member absent there). Frames of a member marked failed are ignored.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Bad member index, time or probability (NaN or outside [0, 1]).</exception>
    /// <exception cref="ArgumentException">The frame starts before the end of the member's previous frame.</exception>
    /// <exception cref="InvalidOperationException">The stream was completed.</exception>
    public void Add(int member, double startSeconds, double durationSeconds, float probability)
    {
        CheckMember(member);
        if (_completed)
        {
            FrameThrowHelper.Completed("Frame fusion");
        }

        if (!double.IsFinite(startSeconds) || startSeconds < 0 || !double.IsFinite(durationSeconds) || durationSeconds <= 0)
        {
            FrameThrowHelper.BadTime(MemberName(member), startSeconds, durationSeconds);
        }

        if (!(probability >= 0f && probability <= 1f))
        {
            FrameThrowHelper.BadProbability(MemberName(member), startSeconds, probability);
        }

        if (startSeconds < _coverage[member] - TimeEpsilon)
        {
            FrameThrowHelper.OutOfOrder(MemberName(member), startSeconds, _coverage[member]);
        }

        if (_failed[member])
        {
            return;
        }

        var end = startSeconds + durationSeconds;
        _coverage[member] = end;
        var firstK = Math.Max(_first, (long)Math.Floor(startSeconds / _hop));
        var lastK = (long)Math.Ceiling(end / _hop) - 1;
        if (lastK < firstK)
        {
            return;
        }

        EnsurePending(lastK);
        for (var k = firstK; k <= lastK; k++)
        {
            var overlap = Math.Min(end, (k + 1) * _hop) - Math.Max(startSeconds, k * _hop);
            if (overlap > OverlapEpsilon)
            {
                var index = (Slot(k) * _memberCount) + member;
                _sums[index] += probability * overlap;
                _overlaps[index] += overlap;
            }
        }
    }

    /// <summary>
    /// Excludes a member from now on: it still counts for the grid frames it had covered completely, and from the
    /// first frame it had not, the weights are renormalised over the other members. Calling it twice does nothing more.
    /// </summary>
    public void MarkFailed(int member)
    {
        CheckMember(member);
        if (_failed[member])
        {
            return;
        }

        _failed[member] = true;
        _failedCoverage[member] = _coverage[member];
        _liveMembers--;
    }

    /// <summary>
    /// Appends the grid frames that every live member has covered (none while no member is live) and returns how
    /// many it appended.
    /// </summary>
    public int TakeReady(List<FusedFrame> destination)
    {
        ArgumentNullException.ThrowIfNull(destination);
        if (_completed || _liveMembers == 0)
        {
            return 0;
        }

        var covered = double.PositiveInfinity;
        for (var m = 0; m < _memberCount; m++)
        {
            if (!_failed[m])
            {
                covered = Math.Min(covered, _coverage[m]);
            }
        }

        var emitted = 0;
        while (_count > 0 && ((_first + 1) * _hop) <= covered + TimeEpsilon)
        {
            destination.Add(EmitFirst(_hop));
            emitted++;
        }

        return emitted;
    }

    /// <summary>
    /// Ends the stream: appends every remaining grid frame up to the furthest end any member reached (partial coverage
    /// allowed; the last frame is shortened to that end) and returns how many it appended. Later calls return 0.
    /// </summary>
    public int Complete(List<FusedFrame> destination)
    {
        ArgumentNullException.ThrowIfNull(destination);
        if (_completed)
        {
            return 0;
        }

        _completed = true;
        var end = 0.0;
        for (var m = 0; m < _memberCount; m++)
        {
            // A failed member reaches only as far as its last completely covered grid frame.
            var reach = _failed[m] ? Math.Floor((_failedCoverage[m] / _hop) + 1e-6) * _hop : _coverage[m];
            end = Math.Max(end, reach);
        }

        var emitted = 0;
        while (_count > 0 && (_first * _hop) < end - TimeEpsilon)
        {
            destination.Add(EmitFirst(Math.Min(_hop, end - (_first * _hop))));
            emitted++;
        }

        return emitted;
    }

    private FusedFrame EmitFirst(double duration)
    {
        var frameEnd = (_first + 1) * _hop;
        var baseIndex = _head * _memberCount;
        double weighted = 0, weightSum = 0, plain = 0;
        var present = 0;
        for (var m = 0; m < _memberCount; m++)
        {
            var overlap = _overlaps[baseIndex + m];
            if (overlap <= OverlapEpsilon || (_failed[m] && _failedCoverage[m] < frameEnd - TimeEpsilon))
            {
                continue;
            }

            var value = _sums[baseIndex + m] / overlap;
            if (_mode == FrameFusionMode.Hard)
            {
                value = value >= _threshold - BinarizeTolerance ? 1.0 : 0.0;
            }

            weighted += _weights[m] * value;
            weightSum += _weights[m];
            plain += value;
            present++;
        }

        double probability = present == 0 ? 0.0 : weightSum > 0 ? weighted / weightSum : plain / present;
        var frame = new FusedFrame(_first * _hop, duration, (float)Math.Clamp(probability, 0.0, 1.0), present);

        Array.Clear(_sums, baseIndex, _memberCount);
        Array.Clear(_overlaps, baseIndex, _memberCount);
        _head = (_head + 1) % _capacity;
        _count--;
        _first++;
        return frame;
    }

    private void EnsurePending(long lastK)
    {
        var needed = lastK - _first + 1;
        if (needed > int.MaxValue / Math.Max(_memberCount, 1) / 2)
        {
            throw new InvalidOperationException(
                $"Frame fusion: a member is {needed} grid frames ahead of the slowest live member; push every member's frames as they come or mark the stalled member failed.");
        }

        if (needed > _capacity)
        {
            var capacity = _capacity;
            while (capacity < needed)
            {
                capacity *= 2;
            }

            var sums = new double[capacity * _memberCount];
            var overlaps = new double[capacity * _memberCount];
            for (var i = 0; i < _count; i++)
            {
                var from = ((_head + i) % _capacity) * _memberCount;
                Array.Copy(_sums, from, sums, i * _memberCount, _memberCount);
                Array.Copy(_overlaps, from, overlaps, i * _memberCount, _memberCount);
            }

            _sums = sums;
            _overlaps = overlaps;
            _capacity = capacity;
            _head = 0;
        }

        // Slots past _count are already zero: EmitFirst clears each slot it frees and a grown ring starts cleared.
        _count = (int)Math.Max(_count, needed);
    }

    private int Slot(long k) => (int)((_head + (k - _first)) % _capacity);

    private void CheckMember(int member)
    {
        if ((uint)member >= (uint)_memberCount)
        {
            FrameThrowHelper.MemberOutOfRange(member, _memberCount);
        }
    }

    private static string MemberName(int member) => "Frame fusion member " + member.ToString(CultureInfo.InvariantCulture);
}
