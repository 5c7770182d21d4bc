#pragma once
// Symbols of the core library that plugins and the CLI use. Everything else stays hidden so
// that plugins bind only to what the runtime promises to keep stable.
#define RASERFLOW_API __attribute__((visibility("default")))
