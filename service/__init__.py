"""What runs the product and feeds it: the app factory, the command line, loading data
(the synthetic demo, CSV extracts, the bulk load and the read models it refreshes)."""
