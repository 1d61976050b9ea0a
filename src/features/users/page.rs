//! Users page view: the list with role and active switches, and a form to add a user.

use super::api::{list_users, CreateUser, ResetPassword, UpdateUser};
use super::UserSummary;
use crate::components::loaded;
use crate::domain::Role;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

#[component]
pub fn UsersPage() -> impl IntoView {
    let create = ServerAction::<CreateUser>::new();
    let update = ServerAction::<UpdateUser>::new();
    let reset = ServerAction::<ResetPassword>::new();
    let query = use_query_map();
    let users = Resource::new(
        move || (create.version().get(), update.version().get(), query.get()),
        |_| list_users(),
    );
    let ok = move || query.read().get("ok");
    let error = move || query.read().get("error");
    view! {
        <h1>"Users"</h1>
        {move || ok().map(|m| view! { <p class="ok" role="status">{m}</p> })}
        {move || error().map(|m| view! { <p class="error" role="alert">{m}</p> })}
        {loaded(users, "Loading users…", move |list| view! { <UserTable list update reset/> })}
        <section class="card">
            <h2>"Add a user"</h2>
            <ActionForm action=create attr:class="form row">
                <label>"E-mail" <input type="email" name="email" required/></label>
                <label>"Name" <input type="text" name="name" required/></label>
                <label>"Role" <RoleSelect selected=Role::Agent/></label>
                <label>"Password" <input type="password" name="password" required minlength="8" autocomplete="new-password"/></label>
                <button type="submit">"Add user"</button>
            </ActionForm>
        </section>
    }
}

#[component]
fn RoleSelect(selected: Role) -> impl IntoView {
    view! {
        <select name="role">
            {Role::ALL.iter().map(|r| view! { <option value=r.as_str() selected=*r == selected>{r.as_str()}</option> }).collect_view()}
        </select>
    }
}

#[component]
fn UserTable(
    list: Vec<UserSummary>,
    update: ServerAction<UpdateUser>,
    reset: ServerAction<ResetPassword>,
) -> impl IntoView {
    let rows = list
        .into_iter()
        .map(|u| {
            view! {
                <tr>
                    <td>{u.name.clone()}</td>
                    <td>{u.email.clone()}</td>
                    <td colspan="3">
                        <ActionForm action=update attr:class="form inline">
                            <input type="hidden" name="id" value=u.id.to_string()/>
                            <RoleSelect selected=u.role/>
                            <label class="check"><input type="checkbox" name="active" value="on" checked=u.active/> "active"</label>
                            <button type="submit">"Save"</button>
                        </ActionForm>
                    </td>
                    <td>
                        <ActionForm action=reset attr:class="form inline">
                            <input type="hidden" name="id" value=u.id.to_string()/>
                            <input type="password" name="password" minlength="8" required autocomplete="new-password"
                                placeholder="New password" aria-label=format!("New password for {}", u.email)/>
                            <button type="submit" class="button secondary">"Set"</button>
                        </ActionForm>
                    </td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <table class="grid" data-testid="users">
            <thead><tr><th>"Name"</th><th>"E-mail"</th><th colspan="3">"Role and access"</th><th>"Password"</th></tr></thead>
            <tbody>{rows}</tbody>
        </table>
    }
}
