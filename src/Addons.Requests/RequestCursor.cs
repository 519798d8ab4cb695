using System.Buffers.Text;
using System.Globalization;
using System.Text;

namespace Addons.Requests;

/// <summary>An opaque keyset cursor: the (created_at, id) of the last item of a page.</summary>
internal readonly record struct RequestCursor(DateTimeOffset CreatedAt, Guid Id)
{
    public string Encode() =>
        Base64Url.EncodeToString(Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{CreatedAt.UtcTicks}:{Id:N}")));

    public static bool TryDecode(string value, out RequestCursor cursor)
    {
        cursor = default;
        if (value.Length > 100)
        {
            return false;
        }

        byte[] bytes;
        try
        {
            bytes = Base64Url.DecodeFromChars(value);
        }
        catch (FormatException)
        {
            return false;
        }

        var parts = Encoding.UTF8.GetString(bytes).Split(':');
        if (parts.Length != 2
            || !long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var ticks)
            || ticks < DateTimeOffset.MinValue.UtcTicks || ticks > DateTimeOffset.MaxValue.UtcTicks
            || !Guid.TryParseExact(parts[1], "N", out var id))
        {
            return false;
        }

        cursor = new RequestCursor(new DateTimeOffset(ticks, TimeSpan.Zero), id);
        return true;
    }
}
