using Chorus.Hosting.Plugins;

namespace Chorus.Hosting.Tests;

[TestFixture]
[Category("Integration")]
[NonParallelizable]
public sealed class PluginCatalogTests
{
    [Test]
    public void A_plugin_directory_that_does_not_exist_is_recorded_as_a_failure()
    {
        var missing = Path.Combine(Path.GetTempPath(), "chorus-no-such-folder-" + Guid.NewGuid().ToString("N"));
        var options = new ChorusOptions();
        options.PluginDirectories.Add(missing);

        using var host = ChorusHost.Create(options);

        var failure = host.Catalog.Failures.Single();
        Assert.That(failure.Error, Is.EqualTo($"plugin directory '{missing}' does not exist; create it or fix ChorusOptions.PluginDirectories"));
        Assert.That(host.Ensembles, Is.Empty);
    }

    [Test]
    public void A_second_plugin_with_a_used_id_is_refused_and_the_first_keeps_serving()
    {
        using var folder = new TempFolder();
        var first = folder.CopyPlugin("digits-logreg");
        var second = folder.CopyPlugin("digits-logreg", "digits-logreg-copy");
        var options = new ChorusOptions();
        options.PluginDirectories.Add(folder.Path);

        using var host = ChorusHost.Create(options);

        var records = host.Catalog.Plugins.Where(p => p.Id == "digits-logreg").ToList();
        Assert.That(records, Has.Count.EqualTo(2));
        Assert.That(records[0].Source, Is.EqualTo(first));
        Assert.That(records[0].Status, Is.EqualTo(PluginStatus.Loaded));
        Assert.That(records[1].Source, Is.EqualTo(second));
        Assert.That(records[1].Status, Is.EqualTo(PluginStatus.Failed));
        Assert.That(records[1].Error, Is.EqualTo(
            $"plugin id 'digits-logreg' is already used by {first}; ids must be unique, so this copy was not loaded."));
        Assert.That(host.Catalog.FindModel("digits-logreg"), Is.SameAs(records[0].Model));
    }

    [Test]
    public void Folders_without_a_manifest_are_not_plugins()
    {
        using var folder = new TempFolder();
        folder.CopyPlugin("digits-logreg");
        Directory.CreateDirectory(Path.Combine(folder.Path, "notes"));
        var options = new ChorusOptions();
        options.PluginDirectories.Add(folder.Path);

        using var host = ChorusHost.Create(options);

        Assert.That(host.Catalog.Plugins.Select(p => p.Id), Is.EqualTo(new[] { "digits-logreg" }));
        Assert.That(host.Catalog.Plugins[0].Source, Is.EqualTo(Path.Combine(folder.Path, "digits-logreg")));
        Assert.That(host.Catalog.Plugins[0].Manifest!.Id, Is.EqualTo("digits-logreg"));
    }

    [Test]
    public void A_malformed_ensemble_file_is_reported_and_the_host_still_starts()
    {
        using var folder = new TempFolder();
        folder.CopyPlugin("digits-logreg");
        var file = folder.Write("bad.ensemble.json", """{ "id": "bad", "labels": ["0"], "members": ["digits-logreg"], "strategy": 1 }""");
        var options = new ChorusOptions();
        options.PluginDirectories.Add(folder.Path);

        // Today: ChorusHost.Create throws InvalidOperationException.
        using var host = ChorusHost.Create(options);

        Assert.That(host.Catalog.FindModel("digits-logreg"), Is.Not.Null);
        Assert.That(host.EnsembleProblems, Has.Some.StartsWith($"ensemble file '{file}': "));
    }
}
