#pragma once
// What built this raserflow: its version and the source revision (git describe, "-dirty" when
// the tree had uncommitted changes), recorded in every manifest.
namespace raserflow {
const char* raserflow_version();
const char* build_revision();
}  // namespace raserflow
