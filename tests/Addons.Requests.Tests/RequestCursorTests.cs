namespace Addons.Requests.Tests;

public sealed class RequestCursorTests
{
    [Fact]
    public void A_cursor_round_trips()
    {
        var cursor = new RequestCursor(new DateTimeOffset(2026, 11, 24, 10, 0, 0, 123, TimeSpan.Zero).AddTicks(4560), Guid.NewGuid());

        Assert.True(RequestCursor.TryDecode(cursor.Encode(), out var decoded));
        Assert.Equal(cursor, decoded);
    }

    [Theory]
    [InlineData("")]
    [InlineData("not base64 at all!")]
    [InlineData("MTIzNDU2")] // "123456": no separator
    [InlineData("LTE6MDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDA")] // negative ticks
    [InlineData("OTk5OTk5OTk5OTk5OTk5OTk5OTk5OjAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAw")] // ticks out of range
    public void Garbage_is_not_a_cursor(string value) => Assert.False(RequestCursor.TryDecode(value, out _));

    [Fact]
    public void An_oversized_cursor_is_rejected_before_decoding() =>
        Assert.False(RequestCursor.TryDecode(new string('A', 10_000), out _));
}
