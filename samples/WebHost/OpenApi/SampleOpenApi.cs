using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using WebHost.Identity;

namespace WebHost.OpenApi;

/// <summary>What the sample host adds to the kernel's OpenAPI document: who it is, its license, and the dev identity provider's endpoints.</summary>
internal static class SampleOpenApi
{
    public static void Configure(OpenApiOptions options)
    {
        options.AddDocumentTransformer((document, _, _) =>
        {
            document.Info = new OpenApiInfo
            {
                Title = "Kernel sample API",
                Version = "v1",
                Description =
                    "The sample host of the Kernel framework: the Requests addon, the kernel's own routes (roles, audit, jobs, " +
                    "the platform operators' tenant registry) and, outside the kernel, a development identity provider that " +
                    "issues the bearer tokens. Every kernel error is one envelope, KernelProblem.",
                License = new OpenApiLicense { Name = "MIT", Identifier = "MIT" },
            };
            return Task.CompletedTask;
        });
        options.AddDevIdentityDescription();
    }
}
