using Microsoft.Extensions.Options;

namespace Kernel.Limits;

/// <summary>Applies <see cref="KernelRequestLimits"/> to the minimal-API JSON options: depth, string length, no duplicate keys.</summary>
internal sealed class RequestLimitsSetup(IOptions<KernelOptions> kernel) : IConfigureOptions<Microsoft.AspNetCore.Http.Json.JsonOptions>
{
    public void Configure(Microsoft.AspNetCore.Http.Json.JsonOptions options)
    {
        var limits = kernel.Value.Limits;
        options.SerializerOptions.MaxDepth = limits.MaxJsonDepth;

        // {"title":"a","title":"b"}: parsers disagree on which one wins, so neither does.
        options.SerializerOptions.AllowDuplicateProperties = false;
        options.SerializerOptions.Converters.Add(new LimitedStringConverter(limits.MaxStringLength));
        options.SerializerOptions.Converters.Add(new LimitedJsonElementConverter(limits.MaxStringLength));
        options.SerializerOptions.Converters.Add(new LimitedJsonObjectConverter(limits.MaxStringLength));
    }
}
