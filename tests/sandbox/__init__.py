"""The sandbox that executes every example: a local AWS (moto's server), a real
Prefect API server and a real PostgreSQL, all on 127.0.0.1 inside a network
namespace of their own, and a supervisor that runs each example in a forked,
time-limited process."""
