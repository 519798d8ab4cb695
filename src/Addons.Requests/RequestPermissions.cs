namespace Addons.Requests;

/// <summary>The permissions the Requests addon and its reminders addon declare.</summary>
public static class RequestPermissions
{
    /// <summary>Read the tenant's requests.</summary>
    public const string Read = "requests.read";

    /// <summary>Create requests.</summary>
    public const string Create = "requests.create";

    /// <summary>Edit requests.</summary>
    public const string Update = "requests.update";

    /// <summary>Move requests through their workflow.</summary>
    public const string Transition = "requests.transition";

    /// <summary>Ask for a reminder on a request (enqueues <c>requests.reminder</c>); declared by <see cref="RemindersAddon"/>.</summary>
    public const string Remind = "requests.remind";
}
