// Lease: the RAII handle on one pooled connection.
#include "libs/db/pool.h"

#include <utility>

#include <pqxx/connection>

namespace hpedu::db {

Lease::Lease(Pool* pool, std::unique_ptr<pqxx::connection> connection)
    : pool_(pool), connection_(std::move(connection)) {}

Lease::Lease(Lease&& other) noexcept
    : pool_(std::exchange(other.pool_, nullptr)),
      connection_(std::move(other.connection_)),
      discard_(std::exchange(other.discard_, false)) {}

Lease& Lease::operator=(Lease&& other) noexcept {
  if (this != &other) {
    Release();
    pool_ = std::exchange(other.pool_, nullptr);
    connection_ = std::move(other.connection_);
    discard_ = std::exchange(other.discard_, false);
  }
  return *this;
}

Lease::~Lease() { Release(); }

void Lease::Release() noexcept {
  if (pool_ != nullptr && connection_ != nullptr) {
    pool_->Return(std::move(connection_), discard_);
  }
  pool_ = nullptr;
  connection_.reset();
  discard_ = false;
}

Lease Pool::MakeLease(std::unique_ptr<pqxx::connection> connection) {
  return Lease(this, std::move(connection));
}

}  // namespace hpedu::db
