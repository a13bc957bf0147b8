"""A Singer tap in the style of singer-io tap-postgres, for the database benchmarks only.

Reads one table through a server-side cursor (itersize rows per round trip), turns each row into a
dict, formats values the way singer-python does (Decimal kept exact, timestamps in ISO 8601) and
prints one RECORD line per row with json.dumps, as singer.write_message does.
Usage: tap_postgres_rows.py --config CONFIG  (CONFIG: {"dsn", "schema", "table"})
"""
import datetime
import decimal
import json
import sys

import psycopg2


def value(v):
    if isinstance(v, decimal.Decimal):
        return v  # printed by Encoder.default
    if isinstance(v, (datetime.datetime, datetime.date)):
        return v.isoformat()
    return v


class Encoder(json.JSONEncoder):
    def default(self, o):
        if isinstance(o, decimal.Decimal):
            return float(o) if o == o.to_integral_value() and abs(o) < 2**53 else str(o)
        return super().default(o)


def main():
    config = json.load(open(sys.argv[sys.argv.index("--config") + 1]))
    out = sys.stdout
    conn = psycopg2.connect(config["dsn"])
    with conn.cursor() as meta:
        meta.execute(
            "select column_name, data_type from information_schema.columns "
            "where table_schema = %s and table_name = %s order by ordinal_position",
            (config["schema"], config["table"]),
        )
        columns = meta.fetchall()
    names = [c[0] for c in columns]
    props = {}
    for name, data_type in columns:
        if data_type in ("bigint", "integer", "smallint"):
            props[name] = {"type": ["null", "integer"]}
        elif data_type == "numeric":
            props[name] = {"type": ["null", "number"]}
        elif data_type.startswith("timestamp"):
            props[name] = {"type": ["null", "string"], "format": "date-time"}
        else:
            props[name] = {"type": ["null", "string"]}
    stream = config["table"]
    out.write(json.dumps({"type": "SCHEMA", "stream": stream, "schema": {"type": "object", "properties": props}, "key_properties": ["id"]}) + "\n")
    encoder = Encoder()
    with conn.cursor(name="rows") as cur:
        cur.itersize = 20000
        cur.execute('select * from "%s"."%s"' % (config["schema"], config["table"]))
        for row in cur:
            record = {names[i]: value(row[i]) for i in range(len(names))}
            out.write(encoder.encode({"type": "RECORD", "stream": stream, "record": record}) + "\n")
    out.write(json.dumps({"type": "STATE", "value": {"bookmarks": {}}}) + "\n")
    conn.close()


if __name__ == "__main__":
    main()
