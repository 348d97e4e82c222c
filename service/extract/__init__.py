"""Case-system extracts: CSV files in, validated and upserted; the database out, as CSV."""
