// The tests seed tenants of tens of thousands of rows and run host processes; on a small machine they are kinder to
// each other (and to the shared PostgreSQL) one class at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
