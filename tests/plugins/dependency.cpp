extern "C" __attribute__((visibility("default"))) int raserflow_test_dependency() {
  return 7;
}
