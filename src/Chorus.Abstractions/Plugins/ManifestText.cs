using System.Text.Json;

namespace Chorus.Plugins;

/// <summary>Small parsing rules shared by the manifest, ensemble files and the command line.</summary>
internal static class ManifestText
{
    /// <summary>Exact enum names, any case: <see cref="Enum.TryParse{TEnum}(string?, bool, out TEnum)"/> would also take numbers and comma-joined names ("a,b" means a|b).</summary>
    public static bool TryParseName<T>(string? text, out T value)
        where T : struct, Enum
    {
        var name = Enum.GetNames<T>().FirstOrDefault(n => string.Equals(n, text, StringComparison.OrdinalIgnoreCase));
        value = name is null ? default : Enum.Parse<T>(name);
        return name is not null;
    }

    /// <summary>System.Text.Json's message without its own (0-based) position and path, which callers report 1-based.</summary>
    public static string JsonErrorText(JsonException exception)
    {
        var message = exception.Message;
        foreach (var marker in new[] { " Path:", " LineNumber:" })
        {
            var at = message.IndexOf(marker, StringComparison.Ordinal);
            if (at >= 0)
            {
                message = message[..at];
            }
        }

        return message.TrimEnd();
    }
}
