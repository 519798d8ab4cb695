namespace Kernel.Data;

/// <summary>
/// Something a <c>NOTIFY</c> channel keeps fresh, through <see cref="KernelListener"/> (the instance's one
/// <c>LISTEN</c> connection). The in-memory caches of the layers above Data (role grants, the tenant registry) register
/// as one, so the listener knows none of them.
/// </summary>
internal interface INotificationSubscriber
{
    /// <summary>The channel to <c>LISTEN</c> on: an identifier, spelled as the triggers that notify it spell it.</summary>
    string Channel { get; }

    /// <summary>The listener is (again) listening: notifications arrive from now on, and earlier ones may have been missed.</summary>
    void Listening();

    /// <summary>The listener lost its connection: notifications may be missed until <see cref="Listening"/>.</summary>
    void NotListening();

    /// <summary>A notification arrived on <see cref="Channel"/>.</summary>
    /// <param name="payload">The notification's payload.</param>
    void Notified(string payload);
}
