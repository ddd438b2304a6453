// Linkers reused from one request to the next (linker_pool.h).
#include "serve/linker_pool.h"

namespace flint::serve {

LinkerPool::LinkerPool(std::shared_ptr<const component::CompiledComponent> component,
                       std::shared_ptr<const HandlerOptions> options)
    : component_(std::move(component)), options_(std::move(options)) {}

Result<std::shared_ptr<wasi::WasiContext>> LinkerPool::new_context() const {
  return wasi::WasiContext::create(options_->wasi);
}

Result<std::unique_ptr<ReusableLinker>> LinkerPool::take() {
  {
    std::lock_guard lock(mutex_);
    if (!idle_.empty()) {
      std::unique_ptr<ReusableLinker> linker = std::move(idle_.back());
      idle_.pop_back();
      return linker;
    }
  }
  FLINT_ASSIGN(auto ctx, new_context());
  auto built = std::make_unique<ReusableLinker>();
  built->hosts = define_hosts(built->linker, std::move(ctx), *options_);
  if (options_->define_more) options_->define_more(built->linker);
  built->prepared.emplace(component_, built->linker);
  return built;
}

void LinkerPool::give_back(std::unique_ptr<ReusableLinker> linker) {
  auto ctx = new_context();
  if (!ctx) return;  // the next request builds one, and reports the failure
  linker->hosts.wasi->renew(*ctx);
  linker->hosts.http->renew();
  linker->hosts.http3->renew();
  linker->linker.renew_store_state();  // the tables Spin's interfaces keep
  std::lock_guard lock(mutex_);
  idle_.push_back(std::move(linker));
}

}  // namespace flint::serve
