{
  "targets": [
    {
      "target_name": "selfsup_native",
      "sources": [
        "native/binding.cc",
        "native/ops_core.cc",
        "native/ops_math.cc",
        "native/ops_shape.cc",
        "native/ops_nn.cc",
        "native/ops_linalg.cc",
        "native/ops_runtime.cc",
        "native/ops_optim.cc",
        "native/ops_distributed.cc",
        "native/cpu_allocator.cc"
      ],
      "defines": [
        "<!@(node scripts/libtorch.mjs defines)"
      ],
      "include_dirs": [
        "<!(node scripts/libtorch.mjs include)"
      ],
      "cflags_cc!": ["-fno-exceptions", "-fno-rtti", "-std=gnu++17", "-std=gnu++20"],
      "cflags_cc": [
        "-std=c++17", "-fexceptions", "-O2", "-Wno-unused-parameter", "-Wno-deprecated-declarations",
        "<!(node scripts/libtorch.mjs abi)"
      ],
      "libraries": [
        "<!(node scripts/libtorch.mjs libs)"
      ],
      "ldflags": [
        "<!(node scripts/libtorch.mjs rpath)"
      ]
    }
  ]
}
