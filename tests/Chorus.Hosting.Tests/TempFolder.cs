namespace Chorus.Hosting.Tests;

/// <summary>A temporary folder of plugins and ensemble files, deleted on dispose.</summary>
internal sealed class TempFolder : IDisposable
{
    public TempFolder()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "chorus-hosting-tests-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    /// <summary>Copies a shipped plugin folder (plugins/NAME) in as <paramref name="as"/>; returns the copy.</summary>
    public string CopyPlugin(string name, string? @as = null)
    {
        var source = System.IO.Path.Combine(RepositoryPaths.Plugins, name);
        var target = System.IO.Path.Combine(Path, @as ?? name);
        Directory.CreateDirectory(target);
        foreach (var file in Directory.EnumerateFiles(source))
        {
            File.Copy(file, System.IO.Path.Combine(target, System.IO.Path.GetFileName(file)));
        }

        return target;
    }

    /// <summary>Creates a plugin folder holding the test plugin assembly (and its dependencies) and this plugin.json.</summary>
    public string AddTestPluginFolder(string name, string manifestJson)
    {
        var target = AddFolder(name, manifestJson);
        foreach (var file in Directory.EnumerateFiles(RepositoryPaths.TestPlugins, "*.dll"))
        {
            File.Copy(file, System.IO.Path.Combine(target, System.IO.Path.GetFileName(file)));
        }

        return target;
    }

    /// <summary>Creates a plugin folder with this plugin.json text.</summary>
    public string AddFolder(string name, string manifestText)
    {
        var target = System.IO.Path.Combine(Path, name);
        Directory.CreateDirectory(target);
        File.WriteAllText(System.IO.Path.Combine(target, "plugin.json"), manifestText);
        return target;
    }

    /// <summary>Writes a file into the folder; returns its path.</summary>
    public string Write(string name, string text)
    {
        var path = System.IO.Path.Combine(Path, name);
        File.WriteAllText(path, text);
        return path;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // A plugin assembly may still be mapped on some platforms; the OS cleans the temp folder.
        }
        catch (UnauthorizedAccessException)
        {
            // As above.
        }
    }
}
