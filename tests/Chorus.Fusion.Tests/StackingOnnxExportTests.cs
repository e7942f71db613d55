using Chorus.OnnxRuntime;

namespace Chorus.Fusion.Tests;

[TestFixture]
[Category("Integration")]
[NonParallelizable]
public sealed class StackingOnnxExportTests
{
    [Test]
    public void Exported_model_runs_in_onnx_runtime_and_matches_predict()
    {
        var (features, labels) = StackingData.Separable(60, seed: 12);
        var (testFeatures, _) = StackingData.Separable(7, seed: 13);
        var model = StackingModel.Fit(features, labels, StackingData.ClassCount,
            new StackingOptions { MemberIds = StackingData.MemberIds, ClassLabels = StackingData.Labels });

        using var session = InferenceSession.Create(model.ToOnnx());

        Assert.That(session.Inputs.Single().ToString(), Is.EqualTo("features: float32[N,6]"));
        Assert.That(session.Outputs.Single().ToString(), Is.EqualTo("probabilities: float32[N,3]"));
        Assert.That(session.Metadata.ProducerName, Is.EqualTo("Chorus.Fusion"));
        Assert.That(session.Metadata.CustomMetadata["chorus.memberIds"], Is.EqualTo("cnn\nforest"));

        var input = testFeatures.Select(v => (float)v).ToArray();
        using var value = OrtValue.CreateTensor(input, [7, 6]);
        var outputs = session.Run([value]);
        try
        {
            var actual = outputs[0].GetTensorData<float>().ToArray();
            Assert.That(outputs[0].Shape.ToArray(), Is.EqualTo(new long[] { 7, 3 }));
            var expected = new double[7 * 3];
            for (var n = 0; n < 7; n++)
            {
                model.Predict(testFeatures.AsSpan(n * 6, 6), expected.AsSpan(n * 3, 3));
            }

            Assert.That(actual.Select(v => (double)v), Is.EqualTo(expected).Within(1e-5));
        }
        finally
        {
            foreach (var output in outputs)
            {
                output.Dispose();
            }
        }
    }
}
