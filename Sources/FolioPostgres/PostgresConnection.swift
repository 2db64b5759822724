import CLibpq

/// A connection to a PostgreSQL server (being written).
public final class PostgresConnection {}
