namespace Kernel;

/// <summary>Collects field errors and throws one VALIDATION_FAILED envelope with all of them.</summary>
public sealed class ValidationErrors
{
    private readonly Dictionary<string, List<string>> _errors = new(StringComparer.Ordinal);

    /// <summary>Whether any error was added.</summary>
    public bool HasErrors => _errors.Count > 0;

    /// <summary>Adds an error for <paramref name="field"/>.</summary>
    /// <param name="field">The field name as the caller sent it (camelCase JSON name).</param>
    /// <param name="message">What is wrong and what is expected.</param>
    /// <returns>This collector.</returns>
    public ValidationErrors Add(string field, string message)
    {
        if (!_errors.TryGetValue(field, out var list))
        {
            _errors[field] = list = [];
        }

        list.Add(message);
        return this;
    }

    /// <summary>Throws a <see cref="KernelException"/> (400 VALIDATION_FAILED) when any error was added.</summary>
    public void ThrowIfAny()
    {
        if (HasErrors)
        {
            throw KernelException.Validation(_errors.ToDictionary(e => e.Key, e => e.Value.ToArray(), StringComparer.Ordinal));
        }
    }
}
