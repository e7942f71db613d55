using System.Buffers.Binary;
using System.Globalization;
using System.IO.Compression;
using Chorus.Cli.Data;

namespace Chorus.Cli.Tests;

/// <summary>
/// Pictures built so their reduction is known: each 4×4 block of a 32×32 bitmap gets exactly as many ink pixels as a
/// digit's value, so the UCI reduction must give the digit's 64 values back.
/// </summary>
[TestFixture]
public sealed class DigitImageTests
{
    internal static float[] FirstTestDigit(out string label)
    {
        var row = File.ReadLines(Repository.Digits("test")).Skip(1).First().Split(',');
        label = row[^1];
        return row[..64].Select(v => float.Parse(v, CultureInfo.InvariantCulture)).ToArray();
    }

    /// <summary>Grey pixels of a 32×32 picture (paper 255, ink 0) whose blocks hold the given counts.</summary>
    internal static byte[] Bitmap(float[] counts, int scale = 1)
    {
        var side = 32 * scale;
        var grey = Enumerable.Repeat((byte)255, side * side).ToArray();
        for (var block = 0; block < 64; block++)
        {
            var (by, bx) = (block / 8, block % 8);
            for (var n = 0; n < (int)counts[block]; n++)
            {
                var (y, x) = ((by * 4) + (n / 4), (bx * 4) + (n % 4));
                for (var dy = 0; dy < scale; dy++)
                {
                    for (var dx = 0; dx < scale; dx++)
                    {
                        grey[(((y * scale) + dy) * side) + (x * scale) + dx] = 0;
                    }
                }
            }
        }

        return grey;
    }

    internal static string WritePgm(byte[] grey, int side)
    {
        var path = Path.Combine(Path.GetTempPath(), $"digit-{Guid.NewGuid():N}.pgm");
        using var file = File.Create(path);
        file.Write(System.Text.Encoding.ASCII.GetBytes($"P5\n# a test digit\n{side} {side}\n255\n"));
        file.Write(grey);
        return path;
    }

    internal static string WritePng(byte[] grey, int side)
    {
        var raw = new MemoryStream();
        using (var zlib = new ZLibStream(raw, CompressionLevel.Optimal, leaveOpen: true))
        {
            for (var y = 0; y < side; y++)
            {
                zlib.WriteByte(0);
                zlib.Write(grey, y * side, side);
            }
        }

        var path = Path.Combine(Path.GetTempPath(), $"digit-{Guid.NewGuid():N}.png");
        using var file = File.Create(path);
        file.Write([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]);
        var header = new byte[13];
        BinaryPrimitives.WriteUInt32BigEndian(header, (uint)side);
        BinaryPrimitives.WriteUInt32BigEndian(header.AsSpan(4), (uint)side);
        header[8] = 8;
        Chunk(file, "IHDR", header);
        Chunk(file, "IDAT", raw.ToArray());
        Chunk(file, "IEND", []);
        return path;
    }

    private static void Chunk(Stream stream, string type, byte[] data)
    {
        var length = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(length, (uint)data.Length);
        stream.Write(length);
        stream.Write(System.Text.Encoding.ASCII.GetBytes(type));
        stream.Write(data);
        stream.Write(new byte[4]);
    }

    [Test]
    public void Pgm_of_a_known_digit_reduces_to_its_values([Values(1, 3)] int scale)
    {
        var counts = FirstTestDigit(out _);
        var path = WritePgm(Bitmap(counts, scale), 32 * scale);
        try
        {
            Assert.That(DigitImage.ToDigitCounts(path), Is.EqualTo(counts));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Test]
    public void Png_of_a_known_digit_reduces_to_its_values()
    {
        var counts = FirstTestDigit(out _);
        var path = WritePng(Bitmap(counts, 2), 64);
        try
        {
            Assert.That(DigitImage.ToDigitCounts(path), Is.EqualTo(counts));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Test]
    public void Corrupt_pictures_are_refused_with_the_reason()
    {
        var path = Path.Combine(Path.GetTempPath(), $"bad-{Guid.NewGuid():N}.pgm");
        try
        {
            File.WriteAllBytes(path, System.Text.Encoding.ASCII.GetBytes("P5\n32 32\n255\n\x01\x02"));
            Assert.That(() => DigitImage.ToDigitCounts(path), Throws.TypeOf<FormatException>().With.Message.Contains("truncated"));
            File.WriteAllBytes(path, [1, 2, 3, 4]);
            Assert.That(() => DigitImage.ToDigitCounts(path), Throws.TypeOf<FormatException>().With.Message.Contains("neither a PNG nor a PGM"));
            var png = WritePng(new byte[64 * 64], 64);
            var bytes = File.ReadAllBytes(png);
            File.WriteAllBytes(path, bytes[..(bytes.Length - 30)]);
            File.Delete(png);
            Assert.That(() => DigitImage.ToDigitCounts(path), Throws.TypeOf<FormatException>());
        }
        finally
        {
            File.Delete(path);
        }
    }
}
