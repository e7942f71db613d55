using System.Reflection;
using System.Runtime.InteropServices;

namespace Chorus.OnnxRuntime.Interop;

/// <summary>
/// Finds and loads the ONNX Runtime native library once, and imports its one entry point, <c>OrtGetApiBase</c>.
/// </summary>
/// <remarks>
/// Search order: the path given in <see cref="OrtEnvironmentOptions.LibraryPath"/>, then the environment variable
/// <c>CHORUS_ONNXRUNTIME_PATH</c> (a file, or a folder holding the library), then <c>runtimes/&lt;rid&gt;/native/</c> under the
/// application folder and under this assembly's folder (where the build places the official binaries), then the operating
/// system's own search. The official Linux file is named <c>libonnxruntime.so.1</c>, which .NET's default probing of
/// "onnxruntime" would not find, hence the resolver.
/// </remarks>
internal static partial class OrtLibrary
{
    public const string LibraryName = "onnxruntime";
    public const string PathVariable = "CHORUS_ONNXRUNTIME_PATH";

    private static readonly Lock s_lock = new();
    private static nint s_handle;
    private static string? s_requestedPath;
    private static bool s_resolverSet;

    /// <summary>The file the library was loaded from, once loaded.</summary>
    public static string? LoadedPath { get; private set; }

    [LibraryImport(LibraryName)]
    private static unsafe partial nint* OrtGetApiBase();

    /// <summary>
    /// Loads the library and returns <c>OrtApiBase*</c> as its two slots: <c>[0] const OrtApi* GetApi(uint32_t version)</c>,
    /// <c>[1] const char* GetVersionString(void)</c>.
    /// </summary>
    public static unsafe nint* GetApiBase(string? libraryPath)
    {
        lock (s_lock)
        {
            s_requestedPath = libraryPath;
            if (!s_resolverSet)
            {
                NativeLibrary.SetDllImportResolver(typeof(OrtLibrary).Assembly, Resolve);
                s_resolverSet = true;
            }

            EnsureLoaded();
        }

        return OrtGetApiBase();
    }

    private static nint Resolve(string name, Assembly assembly, DllImportSearchPath? searchPath)
    {
        if (name != LibraryName)
        {
            return 0;
        }

        lock (s_lock)
        {
            EnsureLoaded();
            return s_handle;
        }
    }

    private static void EnsureLoaded()
    {
        if (s_handle != 0)
        {
            return;
        }

        var tried = new List<string>();
        foreach (var candidate in Candidates())
        {
            tried.Add(candidate);
            if (Path.IsPathRooted(candidate) && !File.Exists(candidate))
            {
                continue;
            }

            try
            {
                s_handle = NativeLibrary.Load(candidate);
                LoadedPath = candidate;
                return;
            }
            catch (DllNotFoundException ex) when (Path.IsPathRooted(candidate))
            {
                // A file that exists but does not load (wrong architecture, missing dependency) is worth naming.
                throw new OnnxRuntimeException(OrtErrorCode.NoSuchFile,
                    $"The ONNX Runtime library '{candidate}' exists but could not be loaded: {ex.Message}. " +
                    $"Check that it matches this process ({RuntimeInformation.ProcessArchitecture}) and that its dependencies are present.",
                    null, ex);
            }
            catch (DllNotFoundException)
            {
                // Not on the system search path either; keep trying.
            }
        }

        throw new OnnxRuntimeException(OrtErrorCode.NoSuchFile,
            "The ONNX Runtime native library was not found. Tried: " + string.Join(", ", tried) + ". " +
            "Build the project (the build fetches the official ONNX Runtime 1.30.0 binaries into runtimes/<rid>/native/), " +
            $"or point the environment variable {PathVariable} (or OrtEnvironmentOptions.LibraryPath) at your own copy.");
    }

    private static IEnumerable<string> Candidates()
    {
        var fileNames = FileNames();
        foreach (var configured in new[] { s_requestedPath, Environment.GetEnvironmentVariable(PathVariable) })
        {
            if (string.IsNullOrWhiteSpace(configured))
            {
                continue;
            }

            if (Directory.Exists(configured))
            {
                foreach (var fileName in fileNames)
                {
                    yield return Path.GetFullPath(Path.Combine(configured, fileName));
                }
            }
            else
            {
                yield return Path.GetFullPath(configured);
            }
        }

        var rid = RuntimeIdentifier();
#pragma warning disable IL3000 // Empty in a single-file app, where AppContext.BaseDirectory covers it; filtered out below.
        var assemblyFolder = Path.GetDirectoryName(typeof(OrtLibrary).Assembly.Location);
#pragma warning restore IL3000
        var folders = new[] { AppContext.BaseDirectory, assemblyFolder }
            .Where(folder => !string.IsNullOrEmpty(folder))
            .Distinct(StringComparer.Ordinal);
        foreach (var folder in folders)
        {
            foreach (var fileName in fileNames)
            {
                yield return Path.Combine(folder!, "runtimes", rid, "native", fileName);
                yield return Path.Combine(folder!, fileName);
            }
        }

        foreach (var fileName in fileNames)
        {
            yield return fileName;
        }
    }

    private static string[] FileNames()
    {
        if (OperatingSystem.IsWindows())
        {
            return ["onnxruntime.dll"];
        }

        if (OperatingSystem.IsMacOS())
        {
            return ["libonnxruntime.1.30.0.dylib", "libonnxruntime.dylib"];
        }

        return ["libonnxruntime.so.1", "libonnxruntime.so"];
    }

    private static string RuntimeIdentifier()
    {
        var os = OperatingSystem.IsWindows() ? "win" : OperatingSystem.IsMacOS() ? "osx" : "linux";
        var arch = RuntimeInformation.ProcessArchitecture.ToString().ToLowerInvariant();
        return $"{os}-{arch}";
    }
}
