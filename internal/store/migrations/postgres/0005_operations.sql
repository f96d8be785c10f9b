-- Operations: bookkeeping for data moves between engines. (Filled in by the operations work.)
SELECT 1;
