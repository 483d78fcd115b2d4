// RETURN_IF_ERROR and ASSIGN_OR_RETURN for absl::Status and absl::StatusOr.
// Abseil 20220623 does not ship status_macros.h; these follow its semantics.
//
//   RETURN_IF_ERROR(store.Put(unit));
//   ASSIGN_OR_RETURN(Unit unit, store.Get(name));
#ifndef HPEDU_LIBS_STATUS_STATUS_MACROS_H_
#define HPEDU_LIBS_STATUS_STATUS_MACROS_H_

#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

// Evaluates `expr`, an absl::Status; returns it from the enclosing function
// if it is not OK.
#define RETURN_IF_ERROR(expr)                                  \
  do {                                                         \
    if (::absl::Status hpedu_status_ = (expr);                 \
        !hpedu_status_.ok()) {                                 \
      return hpedu_status_;                                    \
    }                                                          \
  } while (false)

#define HPEDU_STATUS_CONCAT_INNER_(a, b) a##b
#define HPEDU_STATUS_CONCAT_(a, b) HPEDU_STATUS_CONCAT_INNER_(a, b)

#define HPEDU_ASSIGN_OR_RETURN_IMPL_(statusor, lhs, rexpr) \
  auto statusor = (rexpr);                                 \
  if (!statusor.ok()) {                                    \
    return std::move(statusor).status();                   \
  }                                                        \
  lhs = *std::move(statusor)

// Evaluates `rexpr`, an absl::StatusOr<T>; returns its status if it is not
// OK, otherwise move-assigns its value to `lhs`, which may be a declaration.
// Expands to more than one statement: do not use it as the body of an
// unbraced if.
#define ASSIGN_OR_RETURN(lhs, rexpr)                                          \
  HPEDU_ASSIGN_OR_RETURN_IMPL_(                                               \
      HPEDU_STATUS_CONCAT_(hpedu_statusor_, __LINE__), lhs, rexpr)

#endif  // HPEDU_LIBS_STATUS_STATUS_MACROS_H_
