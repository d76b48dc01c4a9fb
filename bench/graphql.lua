-- POSTs one GraphQL document; the body and the Authorization header come from the environment.
wrk.method = "POST"
wrk.body = os.getenv("BENCH_GRAPHQL_BODY")
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = os.getenv("BENCH_AUTHORIZATION")
