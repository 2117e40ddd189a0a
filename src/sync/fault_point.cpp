#include "sync/fault_point.hpp"

namespace ocirt::sync {

FaultHook fault_hook = nullptr;

}  // namespace ocirt::sync
