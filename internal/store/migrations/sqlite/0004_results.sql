-- Results: stored scores and anonymous benchmark aggregates, action plans. (Filled in by the results module.)
SELECT 1;
