//! The context every page reads: the settings, the words and the journey. One context rather
//! than three: each context provider is a few KiB of wasm, and the words and settings seldom
//! change. Its type, its provider and its hooks, as Yew's `examples/contexts` keeps them.

use std::rc::Rc;

use signpost_core::Language;
use yew::prelude::*;

use crate::config::Config;
use crate::i18n::Messages;
use crate::journey::Journey;

pub type JourneyContext = UseReducerHandle<Journey>;

#[derive(Clone, PartialEq)]
pub struct Shared {
    pub config: Rc<Config>,
    pub words: Words,
    pub journey: JourneyContext,
}

/// The words on screen, and the language they are in: the chosen one once its file has arrived.
/// One value for both, since they change together.
#[derive(Clone, PartialEq)]
pub struct Words {
    pub messages: Messages,
    pub shown: Language,
}

/// Gives `children` the shared context: the widget (`App`) and the pages drawn ahead of time
/// (`prerender.rs`) both provide it.
pub fn provide(shared: Shared, children: Html) -> Html {
    html! { <ContextProvider<Shared> context={shared}>{ children }</ContextProvider<Shared>> }
}

#[hook]
pub fn use_shared() -> Shared {
    use_context::<Shared>().expect("App provides the shared context")
}

#[hook]
pub fn use_journey() -> JourneyContext {
    use_shared().journey
}

#[hook]
pub fn use_messages() -> Messages {
    use_shared().words.messages
}

#[hook]
pub fn use_config() -> Rc<Config> {
    use_shared().config
}
