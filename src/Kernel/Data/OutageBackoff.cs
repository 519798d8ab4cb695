namespace Kernel.Data;

/// <summary>How long to wait before trying the database again after failures in a row (the LISTEN reconnect, job claims).</summary>
internal static class OutageBackoff
{
    /// <summary>The delay after the <paramref name="failures"/>-th failure in a row: <paramref name="first"/>·2^(n−1), at most <paramref name="max"/>.</summary>
    public static TimeSpan Delay(int failures, TimeSpan first, TimeSpan max) =>
        TimeSpan.FromTicks(Math.Min(max.Ticks, first.Ticks * (1L << Math.Clamp(failures - 1, 0, 20))));
}
