namespace Chorus.Server.Tests;

/// <summary>A temporary folder of copied plugins and ensemble files, deleted on dispose.</summary>
internal sealed class TestFolder : IDisposable
{
    public TestFolder()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "chorus-server-tests-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    /// <summary>Copies shipped plugin folders (plugins/NAME, files only: ONNX plugins) into this folder.</summary>
    public TestFolder WithPlugins(params string[] names)
    {
        foreach (var name in names)
        {
            var target = Directory.CreateDirectory(System.IO.Path.Combine(Path, name)).FullName;
            foreach (var file in Directory.EnumerateFiles(System.IO.Path.Combine(RepositoryPaths.Plugins, name)))
            {
                File.Copy(file, System.IO.Path.Combine(target, System.IO.Path.GetFileName(file)));
            }
        }

        return this;
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
            // A model file may still be open; the OS cleans the temp folder.
        }
    }
}
