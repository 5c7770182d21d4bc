# The two commands a newcomer needs: `make demo` and `make test`. Both install missing Debian
# packages first, then configure and build with ccache and -j2.
BUILD      ?= build
ASAN_BUILD ?= build-asan
JOBS       ?= 2
CMAKE_ARGS ?=
RASERFLOW  := $(BUILD)/bin/raserflow
# ccache keys on the compiler's arguments; with paths below the checkout made relative, a fresh
# clone in another folder (as CI makes) reuses what an earlier build compiled.
export CCACHE_BASEDIR := $(CURDIR)

# Build and run-time dependencies, all from Debian 12.
PACKAGES := cmake ninja-build pkg-config ccache g++ git clang-format \
	libboost-dev libboost-graph-dev libtbb-dev libyaml-cpp-dev nlohmann-json3-dev libcli11-dev \
	libfftw3-dev libopencv-dev libhdf5-dev libismrmrd-dev ismrmrd-tools ismrmrd-schema libxml2-utils \
	libgtest-dev libbenchmark-dev libopenblas0-openmp libopenmpi-dev openmpi-bin \
	libtorch-dev python3-numpy python3-h5py python3-torch
# Only for the analysis figures (make operating-point).
FIGURE_PACKAGES := python3-matplotlib

SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: all deps configure build demo test asan bench figures operating-point dataset models evaluate format schema clean

all: build

deps:
	@missing=$$(for p in $(PACKAGES); do dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q '^install ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  echo "Installing missing packages:" $$missing; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $$missing; \
	fi

$(BUILD)/build.ninja:
	cmake -S . -B $(BUILD) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER_LAUNCHER=ccache $(CMAKE_ARGS)

configure: deps $(BUILD)/build.ninja

build: configure
	cmake --build $(BUILD) -j$(JOBS)

demo: build
	$(RASERFLOW) run pipelines/demo.yaml --fresh
	@echo "Outputs in out/demo: figure_000000.png (phantom, RASER image, CNN + FBP, CNN + FBP + U-Net,"
	@echo "FBP of the true projections), sinograms_000000.png,"
	@echo "plots/ (signals, spectra), dataset.h5, manifest.json (what ran, with what)"

test: build
	cd $(BUILD) && ctest -j$(JOBS) --output-on-failure --timeout 600

# AddressSanitizer + UndefinedBehaviorSanitizer build of everything, with the same tests.
# Leak checking is off: LeakSanitizer's stop-the-world tracer crashed at exit here (signal 11)
# in runs that had finished cleanly, which would make CI fail at random.
asan: deps
	cmake -S . -B $(ASAN_BUILD) -G Ninja -DCMAKE_BUILD_TYPE=Debug -DRASERFLOW_SANITIZE=ON -DRASERFLOW_BENCH=OFF \
	  -DCMAKE_CXX_COMPILER_LAUNCHER=ccache $(CMAKE_ARGS)
	cmake --build $(ASAN_BUILD) -j$(JOBS)
	cd $(ASAN_BUILD) && ASAN_OPTIONS=detect_leaks=0 ctest -j$(JOBS) --output-on-failure --timeout 900 -LE slow

bench: build
	bench/run.sh $(BUILD)

# Validation figures of the RASER and DNP models, the demo pipelines, the DNP-to-RASER scenario
# and the nanoparticle contrast, into out/.
figures: build
	$(BUILD)/bin/raser_figures out/figures
	$(BUILD)/bin/dnp_figures out/figures
	$(RASERFLOW) run pipelines/dnp_raser.yaml --fresh
	$(RASERFLOW) run pipelines/nanoparticle_contrast.yaml --fresh
	$(RASERFLOW) run pipelines/demo.yaml --fresh
	$(RASERFLOW) run pipelines/demo_experimental.yaml --fresh

# The paper's training set (21,000 images) and its hold-out set, into out/.
dataset: build
	$(RASERFLOW) run pipelines/dataset.yaml
	$(RASERFLOW) run pipelines/dataset_holdout.yaml

# The shipped models from scratch (models/README.md): the training set, the CNN (time-limited
# and resumable: run `make models` again to continue), the U-Net's set through that CNN, the
# U-Net. Hours on 2 cores; the time limits are per call.
CNN_TRAIN  ?= --lr 3e-4 --schedule cosine --epochs 3 --time-limit 45
UNET_TRAIN ?= --lr 1e-3 --schedule cosine --epochs 20 --batch 16 --time-limit 30
models: build
	$(RASERFLOW) run pipelines/dataset.yaml
	$(RASERFLOW) train cnn out/dataset/dataset.h5 --out models/cnn.h5 $(CNN_TRAIN)
	$(RASERFLOW) run pipelines/unet_dataset.yaml
	$(RASERFLOW) train unet out/unet_dataset/unet_dataset.h5 --out models/unet.h5 $(UNET_TRAIN)

# The paper's evaluation (README, "Correction"): 100 hold-out images and the Shepp-Logan
# phantom through the four stages of Fig. 4, the metrics JSON and the README table.
evaluate: build
	$(RASERFLOW) run pipelines/evaluate.yaml --fresh
	$(RASERFLOW) run pipelines/evaluate_shepp_logan.yaml --fresh
	/usr/bin/python3 bench/evaluate.py out/evaluate out/evaluate_shepp_logan examples/evaluation.json
	cp out/evaluate_shepp_logan/stages_000000.png examples/figures/evaluation_shepp_logan.png
	cp out/evaluate/stages_000000.png examples/figures/evaluation_holdout.png

# Where the uncorrected spectrum stops carrying the projection, against epsilon and class
# (README, "The operating point"): about 1,200 images, then the figure.
operating-point: build
	@$(MAKE) --no-print-directory deps PACKAGES="$(FIGURE_PACKAGES)"
	$(RASERFLOW) run pipelines/operating_point.yaml --fresh
	/usr/bin/python3 bench/operating_point.py out/operating_point/scores.h5 examples/figures/operating_point.png

# Regenerate schemas/pipeline.schema.json from the node declarations.
schema: build
	$(RASERFLOW) schema > schemas/pipeline.schema.json

format:
	clang-format -i $$(git ls-files '*.cpp' '*.hpp')

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) out
