DROP INDEX measure_log_open_idx;
