"""With CONN_HEALTH_CHECKS, a web process survives the database dropping its connections
(a PostgreSQL restart or failover): the next request reconnects instead of failing."""

import pytest

from django.db import close_old_connections, connection

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_a_dropped_postgres_connection_is_replaced_at_the_next_request():
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only (CI's second run)")
    import psycopg

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        old_pid = cursor.fetchone()[0]
    params = connection.get_connection_params()
    params.pop("cursor_factory", None)
    params.pop("context", None)
    with psycopg.connect(**params, autocommit=True) as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", [old_pid])

    close_old_connections()  # what Django does when each request starts
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        assert cursor.fetchone()[0] != old_pid
