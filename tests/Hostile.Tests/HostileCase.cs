namespace Hostile.Tests;

/// <summary>
/// One hostile request. <see cref="MustReject"/> when the input is invalid by construction (a 4xx is the only right
/// answer); otherwise the input is legitimate data that merely looks hostile (a title that reads like SQL), and the
/// host may accept it — but never with a 5xx, and never with tenant B's data. A targeted case may also name the one
/// <see cref="Status"/> (and envelope <see cref="Code"/>) that is the right answer, the <see cref="Field"/> its field
/// errors must name, and how many fields they may name at most (<see cref="MaxErrors"/>).
/// </summary>
public sealed record HostileCase(
    string Endpoint,
    string Kind,
    string Method,
    string Path,
    string Query,
    IReadOnlyDictionary<string, string> Headers,
    byte[]? Body,
    string? ContentType,
    bool MustReject,
    int? Status = null,
    string? Code = null,
    string? Field = null,
    int? MaxErrors = null)
{
    public override string ToString() => $"{Endpoint} [{Kind}] {Method} {Path}{Query}";
}
