using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Chorus.Server.Tests;

/// <summary>Asks the server's v2 endpoint for the digits ensemble's answer: the reference the visualizer's figures are checked against.</summary>
internal static class EnsembleInference
{
    /// <summary>The ensemble's label and each member's scores for one row, from POST /v2/models/digits/infer.</summary>
    public static async Task<(string Label, Dictionary<string, double[]> Members)> InferAsync(HttpClient client, float[] row)
    {
        var request = new JsonObject
        {
            ["parameters"] = new JsonObject { ["member_scores"] = true },
            ["inputs"] = new JsonArray(new JsonObject
            {
                ["name"] = "input",
                ["shape"] = new JsonArray(1, row.Length),
                ["datatype"] = "FP32",
                ["data"] = new JsonArray(row.Select(v => (JsonNode)v).ToArray()),
            }),
        };
        using var content = new StringContent(request.ToJsonString(), Encoding.UTF8, "application/json");
        using var response = await client.PostAsync("v2/models/digits/infer", content);
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), body.ToString());
        var outputs = body.GetProperty("outputs").EnumerateArray().ToList();
        var label = outputs.Single(o => o.GetProperty("name").GetString() == "label").GetProperty("data")[0].GetString()!;
        var members = outputs.Where(o => o.GetProperty("name").GetString()!.StartsWith("member:", StringComparison.Ordinal))
            .ToDictionary(o => o.GetProperty("name").GetString()!["member:".Length..], o => o.GetProperty("data").EnumerateArray().Select(v => v.GetDouble()).ToArray());
        return (label, members);
    }


    /// <summary>The ensemble's labels for a batch of rows, from one POST /v2/models/digits/infer.</summary>
    public static async Task<string[]> LabelsAsync(HttpClient client, float[][] rows)
    {
        var request = new JsonObject
        {
            ["inputs"] = new JsonArray(new JsonObject
            {
                ["name"] = "input",
                ["shape"] = new JsonArray(rows.Length, rows[0].Length),
                ["datatype"] = "FP32",
                ["data"] = new JsonArray(rows.SelectMany(r => r).Select(v => (JsonNode)v).ToArray()),
            }),
            ["outputs"] = new JsonArray(new JsonObject { ["name"] = "label" }),
        };
        using var content = new StringContent(request.ToJsonString(), Encoding.UTF8, "application/json");
        using var response = await client.PostAsync("v2/models/digits/infer", content);
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), body.ToString());
        return body.GetProperty("outputs")[0].GetProperty("data").EnumerateArray().Select(v => v.GetString()!).ToArray();
    }
}
