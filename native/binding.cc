// Entry point of the native addon: the handle table, the error class, and the
// export table built from every op-table file.
#include "core.h"

#include <cmath>

namespace ss {

static napi_ref torchErrorClass = nullptr;

Slots& slots() {
  static Slots s;
  return s;
}

std::vector<at::Generator>& generators() {
  static std::vector<at::Generator> g;
  return g;
}

std::vector<OpEntry>& registry() {
  static std::vector<OpEntry> r;
  return r;
}

static int64_t ownedBytes(const at::Tensor& t) {
  if (!t.has_storage()) return 0;
  const auto& st = t.storage();
  // Count a storage once: only when this tensor is its sole owner at creation
  // (fresh results); views of existing storage add nothing.
  return st.use_count() == 1 ? static_cast<int64_t>(st.nbytes()) : 0;
}

void reportMemory(napi_env env, bool force) {
  auto& s = slots();
  int64_t delta = s.liveBytes - s.reportedBytes;
  if (force || delta > (4 << 20) || delta < -(4 << 20)) {
    int64_t result;
    napi_adjust_external_memory(env, delta, &result);
    s.reportedBytes = s.liveBytes;
  }
}

int64_t put(napi_env env, at::Tensor&& t) {
  auto& s = slots();
  int64_t b = ownedBytes(t);
  uint32_t h;
  if (!s.freeList.empty()) {
    h = s.freeList.back();
    s.freeList.pop_back();
    s.tensors[h] = std::move(t);
    s.bytes[h] = b;
  } else {
    if (static_cast<int64_t>(s.tensors.size()) > kSlotMask)
      throw ArgError("too many live tensors (16M): dispose tensors or use torch.scope()");
    h = static_cast<uint32_t>(s.tensors.size());
    s.tensors.push_back(std::move(t));
    s.bytes.push_back(b);
    s.gens.push_back(0);
  }
  s.live++;
  if (b) {
    s.liveBytes += b;
    reportMemory(env, false);
  }
  return static_cast<int64_t>(h) | (static_cast<int64_t>(s.gens[h]) << kSlotBits);
}

// Slot index of a live handle, or -1.
static int64_t slotOf(int64_t handle) {
  auto& s = slots();
  if (handle < 0) return -1;
  int64_t slot = handle & kSlotMask;
  if (slot >= static_cast<int64_t>(s.tensors.size()) || s.gens[slot] != static_cast<uint32_t>(handle >> kSlotBits) ||
      !s.tensors[slot].defined())
    return -1;
  return slot;
}

static const char* const kDisposed =
    "tensor was disposed (used after dispose(), or after the scope() that created it ended)";

const at::Tensor& get(napi_env env, napi_value v, size_t index) {
  // Handles are non-negative integers; a disposed Tensor passes -1. Anything else
  // (NaN, 1.5, 1e300) is rejected rather than truncated onto some live slot.
  double d;
  if (napi_get_value_double(env, v, &d) != napi_ok) badArg(env, v, index, "Tensor");
  if (d == -1.0) throw ArgError("argument " + std::to_string(index) + ": " + kDisposed);
  if (!(d >= 0 && d <= 9007199254740991.0) || d != std::floor(d))
    throw ArgError("argument " + std::to_string(index) + ": expected a tensor handle but received the number " +
                   std::to_string(d));
  int64_t h = static_cast<int64_t>(d);
  int64_t slot = slotOf(h);
  if (slot < 0) throw ArgError("argument " + std::to_string(index) + ": " + kDisposed);
  return slots().tensors[slot];
}

void release(napi_env env, int64_t handle) {
  auto& s = slots();
  int64_t h = slotOf(handle);
  if (h < 0) return;
  s.tensors[h].reset();
  s.gens[h] = (s.gens[h] + 1) & kGenMask;
  s.live--;
  if (s.bytes[h]) {
    s.liveBytes -= s.bytes[h];
    s.bytes[h] = 0;
    reportMemory(env, false);
  }
  s.freeList.push_back(h);
}

void throwTorchError(napi_env env, const std::string& message) {
  bool pending = false;
  napi_is_exception_pending(env, &pending);
  if (pending) return;
  napi_value msg, err, ctor = nullptr;
  napi_create_string_utf8(env, message.data(), message.size(), &msg);
  if (torchErrorClass) napi_get_reference_value(env, torchErrorClass, &ctor);
  if (ctor && napi_new_instance(env, ctor, 1, &msg, &err) == napi_ok) {
    napi_throw(env, err);
  } else {
    napi_throw_error(env, nullptr, message.c_str());
  }
}

// setErrorClass(ctor): the JS TorchError constructor used for every native error.
static napi_value setErrorClass(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr);
  // Only a constructor is accepted, and the old class is kept until the new one is
  // referenced: a dangling or non-callable class would crash the next error.
  napi_valuetype t = napi_undefined;
  if (argc >= 1) napi_typeof(env, argv[0], &t);
  if (t != napi_function) {
    napi_throw_type_error(env, nullptr, "setErrorClass: expected an Error subclass (a constructor function)");
    return nullptr;
  }
  napi_ref next = nullptr;
  if (napi_create_reference(env, argv[0], 1, &next) != napi_ok || next == nullptr) {
    napi_throw_error(env, nullptr, "setErrorClass: cannot reference the class");
    return nullptr;
  }
  if (torchErrorClass) napi_delete_reference(env, torchErrorClass);
  torchErrorClass = next;
  return nullptr;
}

// free(handle): release one tensor; unknown or already-freed handles are ignored
// (the finalizer and dispose() may both reach a handle).
static napi_value freeHandle(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr);
  int64_t h;
  if (argc == 1 && napi_get_value_int64(env, argv[0], &h) == napi_ok) release(env, h);
  return nullptr;
}

static napi_value init(napi_env env, napi_value exports) {
  registerCore();
  registerMath();
  registerShape();
  registerNN();
  registerLinalg();
  registerRuntime();
  registerOptim();
  registerAllocator();
  registerDistributed();
  auto& r = registry();
  std::vector<napi_property_descriptor> props;
  props.reserve(r.size() + 2);
  props.push_back({"setErrorClass", nullptr, setErrorClass, nullptr, nullptr, nullptr, napi_default, nullptr});
  props.push_back({"free", nullptr, freeHandle, nullptr, nullptr, nullptr, napi_default, nullptr});
  for (auto& e : r) {
    auto* data = new OpData{e.name, e.fn};  // lives as long as the process
    props.push_back({e.name, nullptr, e.thunk, nullptr, nullptr, nullptr, napi_default, data});
  }
  napi_define_properties(env, exports, props.size(), props.data());
  return exports;
}

}  // namespace ss

NAPI_MODULE(NODE_GYP_MODULE_NAME, ss::init)
