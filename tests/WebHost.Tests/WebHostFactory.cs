using Kernel.Testing;

namespace WebHost.Tests;

/// <summary>The sample host on its own fresh database, one per test class.</summary>
public sealed class WebHostFactory : KernelWebApplicationFactory<Program>;
