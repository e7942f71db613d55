using System.Buffers.Binary;
using System.IO.Compression;

namespace Chorus.Cli.Data;

/// <summary>
/// Turns a PGM or PNG picture of a digit into the 64 values of the UCI digits data, reduced the way the data set was made:
/// a 32×32 bitmap divided into 8×8 blocks of 4×4 pixels, each value the count of ink pixels in its block (0–16).
/// </summary>
/// <remarks>
/// The picture is converted to grey, scaled to 32×32 by averaging, and thresholded at the midpoint between its darkest and
/// lightest grey; ink is the minority side (dark ink on light paper, or light ink on dark).
/// Reads binary (P5) and ASCII (P2) PGM, and 8-bit PNG (grey, grey+alpha, RGB, RGBA, palette), not interlaced.
/// </remarks>
internal static class DigitImage
{
    public const int Side = 32;

    public static float[] ToDigitCounts(string path)
    {
        var (width, height, grey) = Load(path);
        return Reduce(width, height, grey);
    }

    internal static float[] Reduce(int width, int height, byte[] grey)
    {
        // Area-average to 32×32.
        var small = new double[Side * Side];
        for (var y = 0; y < Side; y++)
        {
            for (var x = 0; x < Side; x++)
            {
                int x0 = x * width / Side, x1 = Math.Max(x0 + 1, (x + 1) * width / Side);
                int y0 = y * height / Side, y1 = Math.Max(y0 + 1, (y + 1) * height / Side);
                double sum = 0;
                for (var yy = y0; yy < y1; yy++)
                {
                    for (var xx = x0; xx < x1; xx++)
                    {
                        sum += grey[(yy * width) + xx];
                    }
                }

                small[(y * Side) + x] = sum / ((x1 - x0) * (y1 - y0));
            }
        }

        var min = small.Min();
        var max = small.Max();
        var threshold = (min + max) / 2;
        var dark = small.Count(v => v < threshold);
        var inkIsDark = dark <= small.Length / 2;
        var counts = new float[64];
        if (max - min < 1e-9)
        {
            return counts;
        }

        for (var y = 0; y < Side; y++)
        {
            for (var x = 0; x < Side; x++)
            {
                var value = small[(y * Side) + x];
                var ink = inkIsDark ? value < threshold : value > threshold;
                if (ink)
                {
                    counts[((y / 4) * 8) + (x / 4)]++;
                }
            }
        }

        return counts;
    }

    private static (int Width, int Height, byte[] Grey) Load(string path)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"'{path}' does not exist.", path);
        }

        var bytes = File.ReadAllBytes(path);
        if (bytes.Length >= 8 && bytes.AsSpan(0, 8).SequenceEqual(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }))
        {
            return ReadPng(bytes, path);
        }

        if (bytes.Length >= 2 && bytes[0] == 'P' && (bytes[1] == '5' || bytes[1] == '2'))
        {
            return ReadPgm(bytes, path);
        }

        throw new FormatException($"'{path}' is neither a PNG nor a PGM (P2/P5) image.");
    }

    private static (int, int, byte[]) ReadPgm(byte[] bytes, string path)
    {
        var position = 2;
        var header = new int[3];
        for (var i = 0; i < 3; i++)
        {
            header[i] = ReadPgmNumber(bytes, ref position, path);
        }

        var (width, height, maxValue) = (header[0], header[1], header[2]);
        if (width <= 0 || height <= 0 || width * (long)height > 16_000_000 || maxValue is <= 0 or > 65535)
        {
            throw new FormatException($"'{path}': PGM header {width}x{height} (max {maxValue}) is not a usable image size.");
        }

        var grey = new byte[width * height];
        var wide = maxValue > 255;
        if (bytes[1] == '5')
        {
            position++;
            var needed = (long)grey.Length * (wide ? 2 : 1);
            if (bytes.Length - position < needed)
            {
                throw new FormatException($"'{path}': the PGM is truncated ({bytes.Length - position} of {needed} pixel bytes).");
            }

            for (var i = 0; i < grey.Length; i++)
            {
                var value = wide ? BinaryPrimitives.ReadUInt16BigEndian(bytes.AsSpan(position + (2 * i))) : bytes[position + i];
                grey[i] = (byte)(value * 255 / maxValue);
            }
        }
        else
        {
            for (var i = 0; i < grey.Length; i++)
            {
                grey[i] = (byte)(Math.Min(ReadPgmNumber(bytes, ref position, path), maxValue) * 255 / maxValue);
            }
        }

        return (width, height, grey);
    }

    private static int ReadPgmNumber(byte[] bytes, ref int position, string path)
    {
        while (position < bytes.Length && (char.IsWhiteSpace((char)bytes[position]) || bytes[position] == '#'))
        {
            if (bytes[position] == '#')
            {
                while (position < bytes.Length && bytes[position] != '\n')
                {
                    position++;
                }
            }
            else
            {
                position++;
            }
        }

        var start = position;
        long value = 0;
        while (position < bytes.Length && bytes[position] is >= (byte)'0' and <= (byte)'9' && value < int.MaxValue)
        {
            value = (value * 10) + (bytes[position++] - '0');
        }

        return position == start || value > int.MaxValue ? throw new FormatException($"'{path}': the PGM header or pixel data is malformed at byte {start}.") : (int)value;
    }

    private static (int, int, byte[]) ReadPng(byte[] bytes, string path)
    {
        int width = 0, height = 0, bitDepth = 0, colorType = 0, interlace = 0;
        byte[]? palette = null;
        using var idat = new MemoryStream();
        var position = 8;
        while (position + 8 <= bytes.Length)
        {
            var length = (int)BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(position));
            var type = System.Text.Encoding.ASCII.GetString(bytes, position + 4, 4);
            if (length < 0 || position + 12L + length > bytes.Length)
            {
                throw new FormatException($"'{path}': PNG chunk '{type}' runs past the end of the file (truncated?).");
            }

            var data = bytes.AsSpan(position + 8, length);
            switch (type)
            {
                case "IHDR":
                    width = (int)BinaryPrimitives.ReadUInt32BigEndian(data);
                    height = (int)BinaryPrimitives.ReadUInt32BigEndian(data[4..]);
                    bitDepth = data[8];
                    colorType = data[9];
                    interlace = data[12];
                    break;
                case "PLTE":
                    palette = data.ToArray();
                    break;
                case "IDAT":
                    idat.Write(data);
                    break;
            }

            position += 12 + length;
            if (type == "IEND")
            {
                break;
            }
        }

        var channels = colorType switch { 0 => 1, 2 => 3, 3 => 1, 4 => 2, 6 => 4, _ => 0 };
        if (width <= 0 || height <= 0 || width * (long)height > 16_000_000 || bitDepth != 8 || channels == 0 || interlace != 0 || (colorType == 3 && palette is null))
        {
            throw new FormatException($"'{path}': only 8-bit, non-interlaced grey, grey+alpha, RGB, RGBA or palette PNGs are read (this one: {width}x{height}, depth {bitDepth}, colour type {colorType}, interlace {interlace}).");
        }

        var stride = width * channels;
        var raw = new byte[(stride + 1) * height];
        idat.Position = 0;
        using (var zlib = new ZLibStream(idat, CompressionMode.Decompress))
        {
            var read = 0;
            while (read < raw.Length)
            {
                var n = zlib.Read(raw, read, raw.Length - read);
                if (n == 0)
                {
                    throw new FormatException($"'{path}': the PNG image data is truncated.");
                }

                read += n;
            }
        }

        var pixels = new byte[stride * height];
        for (var y = 0; y < height; y++)
        {
            var filter = raw[y * (stride + 1)];
            var line = raw.AsSpan((y * (stride + 1)) + 1, stride);
            var current = pixels.AsSpan(y * stride, stride);
            var previous = y > 0 ? pixels.AsSpan((y - 1) * stride, stride) : new byte[stride];
            for (var i = 0; i < stride; i++)
            {
                int left = i >= channels ? current[i - channels] : 0, up = previous[i], upLeft = i >= channels ? previous[i - channels] : 0;
                current[i] = (byte)(line[i] + filter switch
                {
                    0 => 0,
                    1 => left,
                    2 => up,
                    3 => (left + up) / 2,
                    4 => Paeth(left, up, upLeft),
                    _ => throw new FormatException($"'{path}': PNG row {y} uses unknown filter {filter}."),
                });
            }
        }

        var grey = new byte[width * height];
        for (var i = 0; i < grey.Length; i++)
        {
            var p = pixels.AsSpan(i * channels, channels);
            grey[i] = colorType switch
            {
                0 or 4 => p[0],
                3 => (byte)((palette![p[0] * 3] * 299 + palette[(p[0] * 3) + 1] * 587 + palette[(p[0] * 3) + 2] * 114) / 1000),
                _ => (byte)((p[0] * 299 + p[1] * 587 + p[2] * 114) / 1000),
            };
        }

        return (width, height, grey);
    }

    private static int Paeth(int a, int b, int c)
    {
        var p = a + b - c;
        int pa = Math.Abs(p - a), pb = Math.Abs(p - b), pc = Math.Abs(p - c);
        return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
    }
}
