using System.Runtime.Loader;
using Chorus.Hosting.Plugins;
using Chorus.Plugins;
using Microsoft.Extensions.DependencyInjection;

namespace Chorus.Hosting.Tests;

/// <summary><c>AddChorus</c> in a container: folder plugins, an assembly plugin's module, and a plugin registered in code.</summary>
[TestFixture]
[Category("Integration")]
[NonParallelizable]
public sealed class DependencyInjectionTests
{
    private const string EchoEntryPoint = RepositoryPaths.TestPluginAssembly + ":" + RepositoryPaths.TestPluginNamespace + ".EchoPlugin";
    private const string ModuleKey = "chorus-test-module";
    private const string ModuleValue = "registered by a plugin module";

    private TempFolder _folder = null!;

    [OneTimeSetUp]
    public void CreatePluginFolder()
    {
        _folder = new TempFolder();
        _folder.CopyPlugin("digits-logreg");
        _folder.AddTestPluginFolder("echo", EchoManifest("echo"));
    }

    [OneTimeTearDown]
    public void DeletePluginFolder() => _folder.Dispose();

    [Test]
    public void The_host_resolves_with_the_folder_plugins_and_the_code_plugin()
    {
        var services = new ServiceCollection();
        services.AddChorus(o => o.PluginDirectories.Add(_folder.Path))
            .AddPlugin(CodePlugins.Manifest("code-constant", ["x", "y"]), new ModelInstancePlugin(TestModel.Constant("code-constant", ["x", "y"], [0.5f, 0.5f])));
        using var provider = services.BuildServiceProvider();

        var host = provider.GetRequiredService<ChorusHost>();

        Assert.That(host.Catalog.Failures.Select(f => f.Error), Is.Empty);
        Assert.That(host.Catalog.Plugins.Select(p => (p.Id, p.Status)), Is.EquivalentTo(new[]
        {
            ("digits-logreg", PluginStatus.Loaded), ("echo", PluginStatus.Loaded), ("code-constant", PluginStatus.Loaded),
        }));
        Assert.That(host.Catalog.Find("code-constant")!.Source, Is.EqualTo("code"));
        Assert.That(host.Catalog.Find("echo")!.Source, Is.EqualTo(Path.Combine(_folder.Path, "echo")));
        Assert.That(provider.GetRequiredService<ChorusHost>(), Is.SameAs(host), "one host per container");
        Assert.That(provider.GetRequiredService<PluginCatalog>(), Is.SameAs(host.Catalog));
        Assert.That(provider.GetRequiredService<IModelSessionFactory>(), Is.Not.Null);
    }

    [Test]
    public void An_assembly_plugins_module_registers_its_services()
    {
        var services = new ServiceCollection();
        services.AddChorus(o => o.PluginDirectories.Add(_folder.Path));

        // The module ran inside AddChorus, before the container was built.
        Assert.That(services.Any(d => d.IsKeyedService && Equals(d.ServiceKey, ModuleKey)), Is.True);
        using var provider = services.BuildServiceProvider();

        Assert.That(provider.GetRequiredKeyedService<string>(ModuleKey), Is.EqualTo(ModuleValue));
    }

    [Test]
    public void The_assembly_plugin_runs_in_its_own_load_context_with_the_hosts_contracts()
    {
        var services = new ServiceCollection();
        services.AddChorus(o => o.PluginDirectories.Add(_folder.Path));
        using var provider = services.BuildServiceProvider();
        var model = provider.GetRequiredService<ChorusHost>().Catalog.FindModel("echo")!;
        var scores = new float[3];

        model.Predict(new float[4], 1, scores);

        var context = AssemblyLoadContext.GetLoadContext(model.GetType().Assembly)!;
        Assert.That(context, Is.Not.SameAs(AssemblyLoadContext.Default));
        Assert.That(context.Name, Is.EqualTo("chorus-plugin:echo"));
        Assert.That(context.IsCollectible, Is.True);
        Assert.That(typeof(IModel).Assembly, Is.SameAs(model.GetType().GetInterface(nameof(IModel))!.Assembly),
            "Chorus.Abstractions is shared, not loaded again in the plugin's context");

        // EchoPlugin's fixed scores: label i gets (i + 1) / (1 + 2 + 3).
        Assert.That(scores, Is.EqualTo(new[] { 1f / 6, 2f / 6, 3f / 6 }).Within(1e-6));
    }

    [Test]
    public void Disposing_the_container_disposes_the_models()
    {
        var model = TestModel.Constant("disposable", ["x", "y"], [0.5f, 0.5f]);
        var provider = CodePlugins.Provider(model);
        _ = provider.GetRequiredService<ChorusHost>();

        provider.Dispose();

        Assert.That(model.IsDisposed, Is.True);
    }

    [Test]
    public void A_code_plugin_that_throws_is_recorded_not_thrown()
    {
        var services = new ServiceCollection();
        services.AddChorus().AddPlugin(CodePlugins.Manifest("broken-code", ["x"]), new ThrowingCodePlugin());
        using var provider = services.BuildServiceProvider();

        var record = provider.GetRequiredService<ChorusHost>().Catalog.Find("broken-code")!;

        Assert.That(record.Status, Is.EqualTo(PluginStatus.Failed));
        Assert.That(record.Error, Is.EqualTo("plugin 'broken-code' (registered in code): NotSupportedException: no model today"));
    }

    [Test]
    public void A_code_plugin_type_is_created_by_the_host()
    {
        var services = new ServiceCollection();
        services.AddChorus().AddPlugin<ThrowingCodePlugin>(CodePlugins.Manifest("typed", ["x"]));
        using var provider = services.BuildServiceProvider();

        Assert.That(provider.GetRequiredService<ChorusHost>().Catalog.Find("typed")!.Error, Does.Contain("NotSupportedException: no model today"));
    }

    [Test]
    public void A_code_plugin_whose_model_has_another_id_is_refused()
    {
        var services = new ServiceCollection();
        services.AddChorus().AddPlugin(CodePlugins.Manifest("alpha", ["x"]), new ModelInstancePlugin(TestModel.Constant("beta", ["x"], [1f])));
        using var provider = services.BuildServiceProvider();

        // Today: loaded; an ensemble listing 'alpha' then reports its member as 'beta'.
        var record = provider.GetRequiredService<ChorusHost>().Catalog.Find("alpha")!;

        Assert.That(record.Status, Is.EqualTo(PluginStatus.Failed));
        Assert.That(record.Error, Does.Contain("'alpha'").And.Contains("Id"));
    }

    private static string EchoManifest(string id) => $$"""
        {
          "id": "{{id}}", "version": "1.0.0", "task": "classification", "runtime": "assembly",
          "entryPoint": "{{EchoEntryPoint}}",
          "labels": ["a", "b", "c"],
          "inputs": [ { "name": "x", "shape": [-1, 4] } ],
          "license": "Part of the Chorus tests.", "provenance": "Written by hand for the tests."
        }
        """;
}
