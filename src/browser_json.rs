//! Reading JSON with the browser's own parser, `JSON.parse`, which costs the wasm nothing, where
//! serde_json's parser, visitors and error messages cost it KiB. These functions only take the
//! parsed JSON apart. They run only in a browser (tests/browser_json.rs tests them there), so
//! what the parts mean is left to plain Rust, which native tests reach (`Messages::from_pairs`).

use js_sys::{Array, Object, Reflect, JSON};
use wasm_bindgen::{JsCast, JsValue};

/// The value `text` holds, or `None` if it is not JSON.
pub fn parse(text: &str) -> Option<JsValue> {
    JSON::parse(text).ok()
}

/// An object's members, when it is an object whose members are all strings (a language file).
pub fn string_members(value: &JsValue) -> Option<Vec<(String, String)>> {
    if !value.is_object() || Array::is_array(value) {
        return None;
    }
    let entries = Object::entries(value.unchecked_ref());
    let mut members = Vec::with_capacity(entries.length() as usize);
    for entry in entries.iter() {
        let entry: Array = entry.unchecked_into();
        members.push((entry.get(0).as_string()?, entry.get(1).as_string()?));
    }
    Some(members)
}

/// `value[name]`: `undefined` when it is absent, or when `value` is not an object.
pub fn member(value: &JsValue, name: &str) -> JsValue {
    Reflect::get(value, &JsValue::from_str(name)).unwrap_or(JsValue::UNDEFINED)
}

/// A list's elements, or `None` if `value` is not a list.
pub fn elements(value: &JsValue) -> Option<Vec<JsValue>> {
    Array::is_array(value).then(|| value.unchecked_ref::<Array>().to_vec())
}

/// A member that may be `null` or absent (serde's `Option`): `Some(None)` then, `Some(Some(…))`
/// when `read` can read it, and `None` when it is something else.
pub fn optional<T>(value: &JsValue, read: impl Fn(&JsValue) -> Option<T>) -> Option<Option<T>> {
    if value.is_null() || value.is_undefined() {
        Some(None)
    } else {
        read(value).map(Some)
    }
}
