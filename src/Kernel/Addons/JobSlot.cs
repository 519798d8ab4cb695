namespace Kernel;

/// <summary>The payload of a recurring job: the scheduler slot (a cron occurrence, UTC, to the minute) it was enqueued for.</summary>
/// <param name="Slot">The slot's instant.</param>
public sealed record JobSlot(DateTimeOffset Slot);
