// Each test here runs several OS processes (sample hosts, PostgreSQL, PgBouncer); on a small CI machine they are
// kinder to each other one at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
