using System.Runtime.InteropServices;
using Chorus.OnnxRuntime;
using Chorus.Plugins;

namespace Chorus.Hosting.Plugins;

/// <summary>
/// A native plugin (C ABI of <c>native/include/chorus_plugin.h</c>, version 1) adapted to <see cref="IModel"/>: the library
/// is loaded and checked (ABI version, required symbols, descriptor against the manifest) when the plugin loads, and every
/// run's return code and output size are checked.
/// </summary>
/// <remarks>
/// The library stays loaded for the life of the process (unloading it while another thread might still be inside it is
/// unsafe, and a host rarely unloads native code). The instance is destroyed when the model is disposed, after any run in
/// progress ends.
/// </remarks>
internal sealed unsafe class NativePluginModel : IModel
{
    public const uint AbiVersion = 1;
    private const int Ok = 0;
    private const int BufferTooSmall = 2;

    private readonly NativeExports _exports;
    private readonly NativeInstanceHandle _instance;
    private readonly string _libraryPath;

    private NativePluginModel(PluginManifest manifest, string libraryPath, NativeExports exports, NativeInstanceHandle instance, int sampleSize)
    {
        Id = manifest.Id;
        Task = manifest.Task;
        Labels = manifest.Labels;
        SampleSize = sampleSize;
        _libraryPath = libraryPath;
        _exports = exports;
        _instance = instance;
    }

    public string Id { get; }

    public ModelTask Task { get; }

    public IReadOnlyList<string> Labels { get; }

    public int SampleSize { get; }

    /// <summary>The platform's file name for a library base name.</summary>
    public static string LibraryFileName(string name) =>
        OperatingSystem.IsWindows() ? $"{name}.dll" : OperatingSystem.IsMacOS() ? $"lib{name}.dylib" : $"lib{name}.so";

    public static NativePluginModel Load(PluginManifest manifest)
    {
        var where = $"plugin '{manifest.Id}' ({manifest.ManifestPath})";
        var libraryPath = Path.Combine(manifest.Directory, LibraryFileName(manifest.Library!));
        if (!File.Exists(libraryPath))
        {
            throw new PluginLoadException(manifest.Id,
                $"{where}: native library '{libraryPath}' is missing. Build the plugin (for the bundled ones: 'dotnet build', which runs CMake, or 'cmake -S {manifest.Directory} -B {Path.Combine(manifest.Directory, "build")} && cmake --build {Path.Combine(manifest.Directory, "build")}').");
        }

        nint library;
        try
        {
            library = NativeLibrary.Load(libraryPath);
        }
        catch (Exception ex) when (ex is DllNotFoundException or BadImageFormatException)
        {
            throw new PluginLoadException(manifest.Id, $"{where}: '{libraryPath}' could not be loaded: {ex.Message}", ex);
        }

        var exports = NativeExports.Bind(library, out var missing);
        if (missing.Count > 0)
        {
            throw new PluginLoadException(manifest.Id,
                $"{where}: '{libraryPath}' does not export {string.Join(", ", missing)}; a Chorus native plugin exports every function of native/include/chorus_plugin.h.");
        }

        var version = exports.AbiVersion();
        if (version != AbiVersion)
        {
            throw new PluginLoadException(manifest.Id,
                $"{where}: '{libraryPath}' was built for Chorus plugin ABI version {version}; this host speaks version {AbiVersion}. Rebuild it against native/include/chorus_plugin.h.");
        }

        var sampleSize = CheckDescriptor(manifest, exports.Describe(), where);
        var config = Utf8(manifest.Config);
        var directory = Utf8(manifest.Directory);
        nint instance;
        int code;
        fixed (byte* configPointer = config, directoryPointer = directory)
        {
            code = exports.Create(configPointer, directoryPointer, &instance);
        }

        if (code != Ok || instance == 0)
        {
            throw new PluginLoadException(manifest.Id,
                $"{where}: chorus_plugin_create failed (code {code}): {Text(exports.LastError(0))}");
        }

        return new NativePluginModel(manifest, libraryPath, exports, new NativeInstanceHandle(instance, exports.Destroy), sampleSize);
    }

    public void Predict(ReadOnlyMemory<float> samples, int batchSize, Memory<float> scores, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        cancellationToken.ThrowIfCancellationRequested();
        if (samples.Length != batchSize * SampleSize)
        {
            throw new InvalidInputException(OrtErrorCode.InvalidArgument,
                $"plugin '{Id}': {batchSize} sample(s) of {SampleSize} values need {batchSize * SampleSize} values, got {samples.Length}.", Id);
        }

        var expected = (long)batchSize * Labels.Count;
        var added = false;
        _instance.DangerousAddRef(ref added);
        try
        {
            long written;
            int code;
            using (var input = samples.Pin())
            using (var output = scores.Pin())
            {
                code = _exports.Run(_instance.DangerousGetHandle(), (float*)input.Pointer, batchSize, samples.Length, (float*)output.Pointer, scores.Length, &written);
            }

            if (code != Ok)
            {
                var message = Text(_exports.LastError(_instance.DangerousGetHandle()));
                throw new ChorusException(
                    code == BufferTooSmall
                        ? $"plugin '{Id}': the native plugin needs a larger output buffer than {scores.Length} values: {message}"
                        : $"plugin '{Id}' ({_libraryPath}): chorus_plugin_run failed (code {code}): {message}",
                    Id);
            }

            if (written != expected)
            {
                throw new ChorusException(
                    $"plugin '{Id}' ({_libraryPath}): chorus_plugin_run reported {written} output values for {batchSize} sample(s); {expected} ({batchSize} x {Labels.Count} labels) were expected. The plugin breaks the ABI contract; its result was discarded.",
                    Id);
            }
        }
        finally
        {
            if (added)
            {
                _instance.DangerousRelease();
            }
        }
    }

    public void Dispose() => _instance.Dispose();

    private static int CheckDescriptor(PluginManifest manifest, NativeDescriptor* descriptor, string where)
    {
        if (descriptor is null)
        {
            throw new PluginLoadException(manifest.Id, $"{where}: chorus_plugin_describe returned NULL.");
        }

        var problems = new List<string>();
        var id = Text(descriptor->Id);
        if (id != manifest.Id)
        {
            problems.Add($"the library says its id is '{id}', plugin.json says '{manifest.Id}'");
        }

        var labels = new string[Math.Max(0, descriptor->LabelCount)];
        for (var i = 0; i < labels.Length; i++)
        {
            labels[i] = Text(descriptor->Labels[i]);
        }

        if (!labels.SequenceEqual(manifest.Labels))
        {
            problems.Add($"the library's labels [{string.Join(", ", labels)}] differ from plugin.json's [{string.Join(", ", manifest.Labels)}]");
        }

        var sampleSize = 0;
        if (descriptor->InputCount < 1 || descriptor->Inputs is null)
        {
            problems.Add("the library declares no input");
        }
        else
        {
            var input = descriptor->Inputs[0];
            if (input.ElementType != 1)
            {
                problems.Add($"input '{Text(input.Name)}' has element type {input.ElementType}; ABI version 1 exchanges float32 (1) only");
            }

            sampleSize = 1;
            for (var d = 0; d < input.Rank; d++)
            {
                sampleSize *= input.Shape[d] < 0 ? 1 : (int)input.Shape[d];
            }
        }

        if (problems.Count > 0)
        {
            throw new PluginLoadException(manifest.Id, $"{where}: {string.Join("; ", problems)}.");
        }

        return sampleSize;
    }

    private static byte[] Utf8(string text)
    {
        var bytes = new byte[System.Text.Encoding.UTF8.GetByteCount(text) + 1];
        System.Text.Encoding.UTF8.GetBytes(text, bytes);
        return bytes;
    }

    private static string Text(byte* text) => text is null ? "(no message)" : Marshal.PtrToStringUTF8((nint)text) ?? string.Empty;

    /// <summary><c>chorus_tensor_spec</c>.</summary>
    [StructLayout(LayoutKind.Sequential)]
    private struct NativeTensorSpec
    {
        public byte* Name;
        public int ElementType;
        public int Rank;
        public long* Shape;
    }

    /// <summary><c>chorus_plugin_descriptor</c>.</summary>
    [StructLayout(LayoutKind.Sequential)]
    private struct NativeDescriptor
    {
        public uint AbiVersion;
        public byte* Id;
        public byte* Version;
        public byte* Task;
        public int LabelCount;
        public byte** Labels;
        public int InputCount;
        public NativeTensorSpec* Inputs;
        public int OutputCount;
        public NativeTensorSpec* Outputs;
    }

    /// <summary>The library's exports as unmanaged function pointers (C signatures from chorus_plugin.h, ABI version 1).</summary>
    private sealed class NativeExports
    {
        /// <summary>uint32_t chorus_plugin_abi_version(void)</summary>
        public delegate* unmanaged<uint> AbiVersion;
        /// <summary>const chorus_plugin_descriptor* chorus_plugin_describe(void)</summary>
        public delegate* unmanaged<NativeDescriptor*> Describe;
        /// <summary>int32_t chorus_plugin_create(const char* config_json, const char* plugin_dir, chorus_instance** out)</summary>
        public delegate* unmanaged<byte*, byte*, nint*, int> Create;
        /// <summary>int32_t chorus_plugin_run(chorus_instance*, const float* input, int64_t batch, int64_t input_count, float* output, int64_t output_capacity, int64_t* output_written)</summary>
        public delegate* unmanaged<nint, float*, long, long, float*, long, long*, int> Run;
        /// <summary>const char* chorus_plugin_last_error(const chorus_instance*)</summary>
        public delegate* unmanaged<nint, byte*> LastError;
        /// <summary>void chorus_plugin_destroy(chorus_instance*)</summary>
        public delegate* unmanaged<nint, void> Destroy;

        public static NativeExports Bind(nint library, out List<string> missing)
        {
            var found = new List<string>();
            missing = [];
            nint Get(string name, List<string> absent)
            {
                if (NativeLibrary.TryGetExport(library, name, out var address))
                {
                    return address;
                }

                absent.Add(name);
                return 0;
            }

            return new NativeExports
            {
                AbiVersion = (delegate* unmanaged<uint>)Get("chorus_plugin_abi_version", missing),
                Describe = (delegate* unmanaged<NativeDescriptor*>)Get("chorus_plugin_describe", missing),
                Create = (delegate* unmanaged<byte*, byte*, nint*, int>)Get("chorus_plugin_create", missing),
                Run = (delegate* unmanaged<nint, float*, long, long, float*, long, long*, int>)Get("chorus_plugin_run", missing),
                LastError = (delegate* unmanaged<nint, byte*>)Get("chorus_plugin_last_error", missing),
                Destroy = (delegate* unmanaged<nint, void>)Get("chorus_plugin_destroy", missing),
            };
        }
    }

    /// <summary>Owns a <c>chorus_instance*</c>; destroyed with <c>chorus_plugin_destroy</c> once no run holds it.</summary>
    private sealed class NativeInstanceHandle : SafeHandle
    {
        private readonly delegate* unmanaged<nint, void> _destroy;

        public NativeInstanceHandle(nint instance, delegate* unmanaged<nint, void> destroy)
            : base(0, ownsHandle: true)
        {
            _destroy = destroy;
            SetHandle(instance);
        }

        public override bool IsInvalid => handle == 0;

        protected override bool ReleaseHandle()
        {
            _destroy(handle);
            return true;
        }
    }
}
