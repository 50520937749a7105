"""Operations surface: the health endpoint, the metrics endpoint's URL and the process-wide instrumentation."""
