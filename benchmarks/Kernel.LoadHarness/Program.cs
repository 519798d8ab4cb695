// Skeleton: the orchestrator (default) and the child-process hosts ("serve <raw|kernel|fastendpoints>").
// Suites: Http/HttpSuite.cs, Jobs/JobSuite.cs, Build/BuildSuite.cs; each returns ResultTables printed as Markdown.
Console.WriteLine("Kernel.LoadHarness: not yet implemented.");
return 1;
