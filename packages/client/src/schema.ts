// Generated from the server's OpenAPI document by `npm run client:types` (openapi-typescript). Do not edit.

export interface paths {
    "/api/v1/businesses": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List businesses
         * @description The businesses the token's user is a member of, with the user's role in each. Needs no `x-business-id`: this is how a client holding only a token finds it.
         */
        get: operations["list_businesses_api_v1_businesses_get"];
        put?: never;
        /**
         * Create business
         * @description A new business; the caller becomes its owner. Needs no `x-business-id`.
         */
        post: operations["create_business_api_v1_businesses_post"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/businesses/{business_id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Get business
         * @description A business the caller is a member of; any other is 404.
         */
        get: operations["get_business_api_v1_businesses__business_id__get"];
        /**
         * Update business
         * @description Renames a business. Its owners and admins may; other members → 403, a business one is not a member of → 404.
         */
        put: operations["update_business_api_v1_businesses__business_id__put"];
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/businesses/users": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List business users
         * @description The members of the business in `x-business-id`, with their roles. Any member may list them.
         */
        get: operations["list_business_users_api_v1_businesses_users_get"];
        put?: never;
        /**
         * Add user to business
         * @description Owners and admins add a member by user id (`{"id", "role"}`, DayZero's form: answers the Member), or invite an e-mail (`{"email", "role"}`, our extension: answers the Invitation, as POST /api/v1/businesses/invitations does, the same whether or not the e-mail has an account; never a token). Only an owner grants `owner`. Already a member → 409.
         */
        post: operations["add_business_user_api_v1_businesses_users_post"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/businesses/users/{user_id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        /**
         * Change a business user role
         * @description Owners and admins change a member's role; only an owner grants or takes away `owner`, and the last owner cannot be demoted (409). Takes effect within the authentication cache's bound (`AUTH_CACHE_SECONDS`).
         */
        put: operations["update_business_user_api_v1_businesses_users__user_id__put"];
        post?: never;
        /**
         * Remove user from business
         * @description Owners and admins remove a member (only an owner removes an owner); anyone may remove themselves. The last owner cannot be removed (409). The member's tokens stop working for this business within the authentication cache's bound.
         */
        delete: operations["remove_business_user_api_v1_businesses_users__user_id__delete"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/businesses/invitations": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List pending invitations
         * @description The invitations of the business not yet accepted, revoked or expired (never their secrets).
         */
        get: operations["list_invitations_api_v1_businesses_invitations_get"];
        put?: never;
        /**
         * Invite someone to the business
         * @description Owners and admins invite an e-mail with a role (only an owner invites an owner). The answer is the only time the secret is shown: pass it on (or its `url`). Accepting it without signing in makes a new account; signed in, it joins the caller's own. It lasts 7 days (no longer than the token that made it), is single use, and dies if its inviter is removed, demoted below the role, or the token that made it is revoked. The answer is the same whether or not the e-mail has an account.
         */
        post: operations["create_invitation_api_v1_businesses_invitations_post"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/businesses/invitations/{invitation_id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /**
         * Revoke an invitation
         * @description Revokes a pending invitation: its secret is refused from now on. Another business's → 404.
         */
        delete: operations["revoke_invitation_api_v1_businesses_invitations__invitation_id__delete"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/invitations/accept": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Accept an invitation
         * @description With the invitation's secret as `link`. Without authentication and with `"as": "token"`: a NEW account is made with the invitation's e-mail (never an existing one), it joins the business with the role and gets an API token (30 days, shown once); without `as`, it gets a console session instead (the cookie, as POST /api/v1/sessions sets it). With `Authorization: Bearer` the membership goes to the caller's own account and no credential is issued (already a member → 409). A used, expired, revoked or unknown secret → 401; an inviter who may no longer grant the role → 410. Bodies past 4 KB → 413, not sent within 5 s → 408.
         */
        post: operations["accept_invitation_api_v1_invitations_accept_post"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/sessions": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Sign in (console session)
         * @description With `{"token"}` (an API token) or `{"link"}` (a one-time sign-in link, used up here): answers who signed in and sets the session cookie (`HttpOnly`, `SameSite=Strict`; `__Host-dz_session` over HTTPS, `dz_session_<port>` over HTTP). A session ends after 12 hours without use or 7 days after sign-in, no later than its token, and when its token is revoked; a user keeps at most 20 (the oldest ends). Any invalid credential → 401, saying nothing of why. Bodies past 4 KB → 413, not sent within 5 s → 408.
         */
        post: operations["create_session_api_v1_sessions_post"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/sessions/current": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The current console session
         * @description The session of the request's cookie: its user, the `csrf_token` every other request of the session must send as `x-csrf-token`, and its absolute end. The only request the cookie authorizes without that header. Without a session cookie → 401.
         */
        get: operations["get_current_session_api_v1_sessions_current_get"];
        put?: never;
        post?: never;
        /**
         * Sign out
         * @description Ends the request's session on the server: its cookie is refused from now on, by every instance. Needs `x-csrf-token`. Without a session cookie → 401.
         */
        delete: operations["delete_current_session_api_v1_sessions_current_delete"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/sessions/passkey/options": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Options for signing in with a passkey
         * @description The options for `navigator.credentials.get()`: a challenge, valid 5 minutes and single use; no user is named (the authenticator offers the passkeys it holds for this site). Passkeys belong to the host name the console is opened at (`PUBLIC_URL`, else the request's `Host`): browsers refuse them on an IP address, so open the console at `localhost` or a name.
         */
        post: operations["create_passkey_sign_in_options_api_v1_sessions_passkey_options_post"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/sessions/passkey": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Sign in with a passkey (console session)
         * @description With what `navigator.credentials.get()` returned for the options of `POST /api/v1/sessions/passkey/options`: answers who signed in and sets the session cookie, exactly as `POST /api/v1/sessions` does. An unknown passkey, a challenge unknown, expired or used, a signature that does not verify or another site's → 401, saying nothing of why. Bodies past 4 KB → 413, not sent within 5 s → 408.
         */
        post: operations["create_passkey_session_api_v1_sessions_passkey_post"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/tokens": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List my tokens
         * @description The caller's tokens, active or not. Never a secret: only a prefix to tell them apart.
         */
        get: operations["list_tokens_api_v1_tokens_get"];
        put?: never;
        /**
         * Create a token
         * @description A new token for the caller; the response is the only time its secret is shown. It expires no later than the token that creates it. At most 10 active tokens per user: the 11th → 409.
         */
        post: operations["create_token_api_v1_tokens_post"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/tokens/{token_id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /**
         * Revoke a token
         * @description Revokes one of the caller's tokens (the one making the request too); revoking it again is harmless. Another user's token → 404.
         */
        delete: operations["revoke_token_api_v1_tokens__token_id__delete"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/passkeys/options": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Options for registering a passkey
         * @description The options for `navigator.credentials.create()` to make a passkey for the caller: a challenge for them alone, valid 5 minutes and single use, and the passkeys they hold already (an authenticator holding one of them says so). Passkeys belong to the host name the console is opened at (`PUBLIC_URL`, else the request's `Host`): browsers refuse them on an IP address, so open the console at `localhost` or a name.
         */
        post: operations["create_passkey_options_api_v1_passkeys_options_post"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/passkeys": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List my passkeys
         * @description The caller's passkeys, oldest first. Never a key.
         */
        get: operations["list_passkeys_api_v1_passkeys_get"];
        put?: never;
        /**
         * Register a passkey
         * @description Keeps the passkey `navigator.credentials.create()` made for the options of `POST /api/v1/passkeys/options` (only its public key is stored), so its user can sign in with it later (`POST /api/v1/sessions/passkey`). A credential that does not verify — another site's, a challenge unknown, expired or used, no user verification — → 422 at `body.credential`; one registered already, or an 11th → 409.
         */
        post: operations["create_passkey_api_v1_passkeys_post"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/passkeys/{passkey_id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /**
         * Delete a passkey
         * @description Deletes one of the caller's passkeys: it signs nobody in from now on (sessions it made go on until they end). Another user's, or one deleted already → 404.
         */
        delete: operations["delete_passkey_api_v1_passkeys__passkey_id__delete"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/events": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List events
         * @description Every change to the business's customers and contacts, in commit order, oldest first. Walk it forward with `next_cursor` and you see every event exactly once, even while others write; at the end, `next_cursor` is where to poll from (it is never null). Kept 30 days.
         */
        get: operations["list_events_api_v1_events_get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/webhook-endpoints": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List webhook endpoints
         * @description The business's webhook endpoints (never their secrets).
         */
        get: operations["list_webhook_endpoints_api_v1_webhook_endpoints_get"];
        put?: never;
        /**
         * Create a webhook endpoint
         * @description Registers a URL to receive the business's events (`["*"]` for all types), signed the Standard Webhooks way. The response is the only time the signing secret is shown. The URL must be https:// and resolve to public addresses only (the operator may allow http:// and private addresses); it is checked again at every delivery. A business has at most 16 endpoints unless the operator sets `WEBHOOK_MAX_ENDPOINTS`: one more → 409.
         */
        post: operations["create_webhook_endpoint_api_v1_webhook_endpoints_post"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/webhook-endpoints/{endpoint_id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Get a webhook endpoint */
        get: operations["get_webhook_endpoint_api_v1_webhook_endpoints__endpoint_id__get"];
        /**
         * Update a webhook endpoint
         * @description Partial update of `url`, `events`, `description` and `enabled`. A disabled endpoint gets no new deliveries; its pending ones wait until it is enabled again.
         */
        put: operations["update_webhook_endpoint_api_v1_webhook_endpoints__endpoint_id__put"];
        post?: never;
        /**
         * Delete a webhook endpoint
         * @description Deletes the endpoint, its pending deliveries and its delivery log.
         */
        delete: operations["delete_webhook_endpoint_api_v1_webhook_endpoints__endpoint_id__delete"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/webhook-endpoints/{endpoint_id}/rotate-secret": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Rotate a webhook signing secret
         * @description A new signing secret, shown only in this response. For 24 hours the old one keeps signing beside it (two signatures in `webhook-signature`), so receivers can switch without losing a delivery.
         */
        post: operations["rotate_webhook_secret_api_v1_webhook_endpoints__endpoint_id__rotate_secret_post"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/webhook-endpoints/{endpoint_id}/test": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Send a test event
         * @description Sends this endpoint alone one `webhook.test` event (its `data.object` is the endpoint), through the same delivery path as every event: signed, retried, in the delivery log. It is not in the feed. Answers 202 with the delivery's id and the event's. A disabled endpoint → 409.
         */
        post: operations["send_webhook_test_event_api_v1_webhook_endpoints__endpoint_id__test_post"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/webhook-endpoints/{endpoint_id}/deliveries/{event_id}/redeliver": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Redeliver an event
         * @description Schedules the event again for this endpoint, now, with fresh attempts and a fresh 3-day window: an event of the feed (delivered there before or not) or a test event sent to this endpoint. Answers 202 with the delivery's id. An event past the feed's retention → 404; a disabled endpoint → 409.
         */
        post: operations["redeliver_webhook_event_api_v1_webhook_endpoints__endpoint_id__deliveries__event_id__redeliver_post"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/webhook-endpoints/{endpoint_id}/deliveries": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List webhook delivery attempts
         * @description Every attempt to deliver an event to this endpoint, newest first: the event, the attempt number, the status code or the error, the duration and when it is tried next.
         */
        get: operations["list_webhook_deliveries_api_v1_webhook_endpoints__endpoint_id__deliveries_get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/customers": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List customers
         * @description The business's customers (soft-deleted ones excluded), filtered and paginated, newest first unless `sort_by` says otherwise — with `search` too. `sort_by=relevance` (only with `search`) puts the best matches first.
         */
        get: operations["get_customers_api_v1_customers_get"];
        put?: never;
        /** Create customer */
        post: operations["create_customer_api_v1_customers_post"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/customers/bulk-upload": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Bulk upload customers
         * @description A CSV in the multipart field `file` (at most 5 MB and 10000 data rows). The header names create-body fields; each row is validated like a create body. Valid rows are created in one transaction; rows whose e-mail exists (in the business or earlier in the file) are skipped; invalid rows are reported by data-row number.
         */
        post: operations["bulk_upload_customers_api_v1_customers_bulk_upload_post"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/customers/bulk-upload/template": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Download customer bulk upload template */
        get: operations["download_customer_bulk_upload_template_api_v1_customers_bulk_upload_template_get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/customers/export": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Export customers as CSV
         * @description The customers the list would return with the same filters, `search` and order — all of them, streamed as `text/csv` in the bulk-upload template's columns, so an export uploads again. A cell that a spreadsheet would run as a formula (beginning with `=`, `+`, `-`, `@`, a tab or a carriage return) is written with a leading `'`, which bulk upload takes off again. `cursor`, `limit`, `direction` and `include_total_count` → 422. An error after the first byte aborts the connection: a download that completes is the whole export.
         */
        get: operations["export_customers_api_v1_customers_export_get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/customers/export-links": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Create a single-use export link
         * @description A link to download one export (the same query parameters as `GET /api/v1/customers/export`) by navigation, with no other credential: single use, valid for 60 seconds unless the operator sets `EXPORT_LINK_SECONDS`. A used, expired or unknown link → 401. The answer is the only time the secret is shown.
         */
        post: operations["create_customer_export_link_api_v1_customers_export_links_post"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/customers/{customer_id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Get customer */
        get: operations["get_customer_api_v1_customers__customer_id__get"];
        /** Update customer */
        put: operations["update_customer_api_v1_customers__customer_id__put"];
        post?: never;
        /**
         * Delete customer
         * @description Soft delete: the customer leaves lists but can still be fetched; its contacts become read-only.
         */
        delete: operations["delete_customer_api_v1_customers__customer_id__delete"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/export-links/{secret}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Download an export by its link
         * @description Streams the export the link was made for, as `GET /api/v1/customers/export` would. Single use: a used, expired or unknown link → 401.
         */
        get: operations["download_customer_export_api_v1_export_links__secret__get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/customers/{customer_id}/contacts": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List customer contacts
         * @description Retrieve all contacts for a customer.
         */
        get: operations["list_contacts_api_v1_customers__customer_id__contacts_get"];
        put?: never;
        /** Create customer contact */
        post: operations["create_contact_api_v1_customers__customer_id__contacts_post"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/customers/{customer_id}/contacts/{contact_id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Get customer contact */
        get: operations["get_contact_api_v1_customers__customer_id__contacts__contact_id__get"];
        /** Update customer contact */
        put: operations["update_contact_api_v1_customers__customer_id__contacts__contact_id__put"];
        post?: never;
        /** Delete customer contact */
        delete: operations["delete_contact_api_v1_customers__customer_id__contacts__contact_id__delete"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export type webhooks = Record<string, never>;
export interface components {
    schemas: {
        BusinessCreateRequest: {
            /**
             * @description 1..255 characters after trimming
             * @example Acme Holdings
             */
            name: string;
        };
        BusinessCursorListResponse: {
            /** @description The page, in the requested order */
            items: components["schemas"]["BusinessResponse"][];
            /** @description Rows across all pages; null unless include_total_count=true */
            total: number | null;
            /** @description The page size used */
            limit: number;
            /** @description Pass with direction=next for the following page; null when has_next is false */
            next_cursor: string | null;
            /** @description Pass with direction=prev for the preceding page; null when has_prev is false */
            prev_cursor: string | null;
            /** @description Rows exist after this page */
            has_next: boolean;
            /** @description Rows exist before this page */
            has_prev: boolean;
            /** @description Always equal to has_next (the pagination guide's loop reads it) */
            has_more: boolean;
        };
        BusinessResponse: {
            /**
             * Format: uuid
             * @example 019abf2e-6a47-7b3e-9c1d-2f4a5b6c7d8e
             */
            id: string;
            /** @example Acme Holdings */
            name: string;
            /**
             * Format: date-time
             * @description RFC 3339, UTC, microseconds
             * @example 2026-11-26T13:26:02.123456Z
             */
            created_at: string;
            /**
             * Format: date-time
             * @description RFC 3339, UTC, microseconds
             * @example 2026-11-26T13:26:02.123456Z
             */
            updated_at: string;
            /** @description The caller's role in this business */
            role: components["schemas"]["Role"];
        };
        BusinessUpdateRequest: {
            /**
             * @description 1..255 characters after trimming
             * @example Acme Holdings
             */
            name: string;
        };
        BusinessUserAddRequest: {
            /**
             * Format: uuid
             * @description The user's id (DayZero's form). Give `id` or `email`
             */
            id?: string;
            /**
             * Format: email
             * @description An e-mail (extension): makes an invitation for it instead (see POST /api/v1/businesses/invitations); the answer is the same whether or not the e-mail has an account
             */
            email?: string;
            /** @description owner, admin, member or viewer. Only an owner grants owner */
            role: components["schemas"]["Role"];
        };
        BusinessUserAddResponse: components["schemas"]["BusinessUserResponse"] | components["schemas"]["InvitationCreateResponse"];
        BusinessUserListResponse: {
            /** @description The page, in the requested order */
            items: components["schemas"]["BusinessUserResponse"][];
            /** @description Rows across all pages; null unless include_total_count=true */
            total: number | null;
            /** @description The page size used */
            limit: number;
            /** @description Pass with direction=next for the following page; null when has_next is false */
            next_cursor: string | null;
            /** @description Pass with direction=prev for the preceding page; null when has_prev is false */
            prev_cursor: string | null;
            /** @description Rows exist after this page */
            has_next: boolean;
            /** @description Rows exist before this page */
            has_prev: boolean;
            /** @description Always equal to has_next (the pagination guide's loop reads it) */
            has_more: boolean;
        };
        BusinessUserResponse: {
            /**
             * Format: uuid
             * @example 019abf2e-6a47-7b3e-9c1d-2f4a5b6c7d8e
             */
            user_id: string;
            /** @example grace@example.com */
            email: string;
            role: components["schemas"]["Role"];
            /**
             * Format: date-time
             * @description When the user became a member
             * @example 2026-11-26T13:26:02.123456Z
             */
            created_at: string;
        };
        BusinessUserUpdateRequest: {
            /** @description owner, admin, member or viewer. Only an owner grants owner */
            role: components["schemas"]["Role"];
        };
        /** @enum {string} */
        CounterpartyStatus: "active" | "inactive" | "blocked";
        CurrentSessionResponse: {
            user: components["schemas"]["SessionUser"];
            /** @description Send it as `x-csrf-token` with every other request this session makes (reads too): without it, 403. It is the session's own; another page cannot read it (no CORS) */
            csrf_token: string;
            /**
             * Format: date-time
             * @description The session's absolute end: 7 days after sign-in, no later than the token it was made from. It ends earlier after 12 hours without use.
             * @example 2026-11-26T13:26:02.123456Z
             */
            expires_at: string;
        };
        CustomerBulkUploadResponse: {
            created: number;
            /** @description Rows whose e-mail already exists in the business or earlier in the file */
            skipped: number;
            errors: {
                /** @description 1-based number of the data row (the first row after the header is 1) */
                row: number;
                error: string;
            }[];
        };
        CustomerContactResponse: {
            /**
             * Format: uuid
             * @example 019abf2e-6a47-7b3e-9c1d-2f4a5b6c7d8e
             */
            id: string;
            /**
             * Format: uuid
             * @example 019abf2e-6a47-7b3e-9c1d-2f4a5b6c7d8e
             */
            customer_id: string;
            /** @example Ada Lovelace */
            name: string;
            /** @example ada@example.com */
            email: string | null;
            /** @example +44 20 7946 0000 */
            phone: string | null;
            /** @example Billing */
            role: string | null;
            is_primary: boolean;
            notes: string | null;
            /**
             * Format: date-time
             * @description RFC 3339, UTC, microseconds
             * @example 2026-11-26T13:26:02.123456Z
             */
            created_at: string;
            /**
             * Format: date-time
             * @description RFC 3339, UTC, microseconds
             * @example 2026-11-26T13:26:02.123456Z
             */
            updated_at: string;
        };
        CustomerCreateRequest: {
            /** @description 1..255 characters after trimming */
            name: string;
            /**
             * Format: email
             * @description Unique among live customers, case-insensitively
             */
            email: string;
            address?: string | null;
            phone?: string | null;
            tax_id?: string | null;
            website?: string | null;
            notes?: string | null;
            /** @description Integer cents */
            credit_limit_cents?: number | null;
            default_payment_term_id?: string | null;
            category?: string | null;
            invoice_footer?: string | null;
            status?: components["schemas"]["CounterpartyStatus"];
        };
        CustomerExportLinkResponse: {
            /** @description GET it (once, before `expires_at`) to download the export; it is the credential */
            url: string;
            /** @description The ticket (`dzx_…`): the last segment of `url` */
            secret: string;
            /**
             * Format: date-time
             * @description RFC 3339, UTC, microseconds
             * @example 2026-11-26T13:26:02.123456Z
             */
            expires_at: string;
        };
        CustomerListResponse: {
            /** @description The page, in the requested order */
            items: components["schemas"]["CustomerResponse"][];
            /** @description Rows across all pages; null unless include_total_count=true */
            total: number | null;
            /** @description The page size used */
            limit: number;
            /** @description Pass with direction=next for the following page; null when has_next is false */
            next_cursor: string | null;
            /** @description Pass with direction=prev for the preceding page; null when has_prev is false */
            prev_cursor: string | null;
            /** @description Rows exist after this page */
            has_next: boolean;
            /** @description Rows exist before this page */
            has_prev: boolean;
            /** @description Always equal to has_next (the pagination guide's loop reads it) */
            has_more: boolean;
        };
        CustomerResponse: {
            /**
             * Format: uuid
             * @example 019abf2e-6a47-7b3e-9c1d-2f4a5b6c7d8e
             */
            id: string;
            /**
             * Format: uuid
             * @example 019abf2e-6a47-7b3e-9c1d-2f4a5b6c7d8e
             */
            business_id: string;
            /**
             * Format: date-time
             * @description RFC 3339, UTC, microseconds
             * @example 2026-11-26T13:26:02.123456Z
             */
            created_at: string;
            /**
             * Format: date-time
             * @description RFC 3339, UTC, microseconds
             * @example 2026-11-26T13:26:02.123456Z
             */
            updated_at: string;
            /** @example Acme Corp */
            name: string;
            /** @example billing@acme.example */
            email: string;
            address: string | null;
            phone: string | null;
            tax_id: string | null;
            website: string | null;
            notes: string | null;
            /** @description Integer cents */
            credit_limit_cents: number | null;
            default_payment_term_id: string | null;
            status: components["schemas"]["CounterpartyStatus"];
            category: string | null;
            is_deleted: boolean;
            /**
             * Format: date-time
             * @description RFC 3339, UTC, microseconds
             * @example 2026-11-26T13:26:02.123456Z
             */
            deleted_at: string | null;
            stripe_customer_id: string | null;
            invoice_footer: string | null;
            /** @description Primary first, then newest, at most 1,000 (the contacts list pages through all); filled when one customer is fetched or updated, [] on create, null in lists */
            contacts: components["schemas"]["CustomerContactResponse"][] | null;
        };
        CustomerUpdateRequest: {
            /** @description 1..255 characters after trimming */
            name?: string;
            /**
             * Format: email
             * @description Unique among live customers, case-insensitively
             */
            email?: string;
            address?: string | null;
            phone?: string | null;
            tax_id?: string | null;
            website?: string | null;
            notes?: string | null;
            /** @description Integer cents */
            credit_limit_cents?: number | null;
            default_payment_term_id?: string | null;
            category?: string | null;
            invoice_footer?: string | null;
            status?: components["schemas"]["CounterpartyStatus"];
        };
        EntityContactCreateRequest: {
            /** @description 1..255 characters after trimming */
            name: string;
            /** Format: email */
            email?: string | null;
            phone?: string | null;
            /** @description Free text, e.g. "Billing" */
            role?: string | null;
            /** @description Default false. Making a contact primary demotes the previous primary */
            is_primary?: boolean;
            notes?: string | null;
        };
        EntityContactListResponse: {
            /** @description The page, in the requested order */
            items: components["schemas"]["EntityContactResponse"][];
            /** @description Rows across all pages; null unless include_total_count=true */
            total: number | null;
            /** @description The page size used */
            limit: number;
            /** @description Pass with direction=next for the following page; null when has_next is false */
            next_cursor: string | null;
            /** @description Pass with direction=prev for the preceding page; null when has_prev is false */
            prev_cursor: string | null;
            /** @description Rows exist after this page */
            has_next: boolean;
            /** @description Rows exist before this page */
            has_prev: boolean;
            /** @description Always equal to has_next (the pagination guide's loop reads it) */
            has_more: boolean;
        };
        EntityContactResponse: {
            /**
             * Format: uuid
             * @example 019abf2e-6a47-7b3e-9c1d-2f4a5b6c7d8e
             */
            id: string;
            /**
             * @description Always "customer"
             * @enum {string}
             */
            entity_type: "customer";
            /**
             * Format: uuid
             * @description The customer's id
             */
            entity_id: string;
            /** @example Ada Lovelace */
            name: string;
            /** @example ada@example.com */
            email: string | null;
            /** @example +44 20 7946 0000 */
            phone: string | null;
            /** @example Billing */
            role: string | null;
            is_primary: boolean;
            notes: string | null;
            /**
             * Format: date-time
             * @description RFC 3339, UTC, microseconds
             * @example 2026-11-26T13:26:02.123456Z
             */
            created_at: string;
            /**
             * Format: date-time
             * @description RFC 3339, UTC, microseconds
             * @example 2026-11-26T13:26:02.123456Z
             */
            updated_at: string;
        };
        EntityContactUpdateRequest: {
            /** @description 1..255 characters after trimming */
            name?: string;
            /** Format: email */
            email?: string | null;
            phone?: string | null;
            /** @description Free text, e.g. "Billing" */
            role?: string | null;
            is_primary?: boolean;
            notes?: string | null;
        };
        EventListResponse: {
            /** @description The page, oldest first */
            items: components["schemas"]["EventResponse"][];
            /** @description Events across all pages; null unless include_total_count=true */
            total: number | null;
            limit: number;
            /** @description Pass with direction=next for the events after this page. Never null: at the end of the feed it is the position to poll from */
            next_cursor: string;
            /** @description Pass with direction=prev for the page before; null at the start */
            prev_cursor: string | null;
            has_next: boolean;
            has_prev: boolean;
            /** @description Always equal to has_next */
            has_more: boolean;
        };
        EventResponse: {
            /**
             * Format: uuid
             * @example 019abf2e-6a47-7b3e-9c1d-2f4a5b6c7d8e
             */
            id: string;
            type: components["schemas"]["EventType"];
            /**
             * Format: date-time
             * @description When the change was made (informational: the feed is in commit order)
             * @example 2026-11-26T13:26:02.123456Z
             */
            created_at: string;
            data: {
                /** @description The customer (contacts: null) or contact as the API returns it in lists; for *.deleted its last state */
                object: {
                    [key: string]: unknown;
                };
            };
            /** @description On *.updated: the old values of the fields that changed; otherwise null */
            previous_attributes: {
                [key: string]: unknown;
            } | null;
        };
        /** @enum {string} */
        EventType: "customer.created" | "customer.updated" | "customer.deleted" | "contact.created" | "contact.updated" | "contact.deleted";
        HTTPError: {
            /** @example Not authenticated */
            detail: string;
            request_id?: string;
        };
        HTTPValidationError: {
            detail: components["schemas"]["ValidationError"][];
        };
        InvitationAcceptRequest: {
            /** @description The invitation secret (`dzi_…`) */
            link: string;
            /**
             * @description `token`: without authentication, a new account is made and gets an API token (30 days, shown once). Left out: the new account gets a console session instead (the cookie, as POST /api/v1/sessions sets it; `token` is then null). Authenticated callers get no credential: the membership is added to the caller's own account
             * @enum {string}
             */
            as?: "token";
        };
        InvitationAcceptResponse: {
            /**
             * Format: uuid
             * @example 019abf2e-6a47-7b3e-9c1d-2f4a5b6c7d8e
             */
            user_id: string;
            /**
             * Format: uuid
             * @example 019abf2e-6a47-7b3e-9c1d-2f4a5b6c7d8e
             */
            business_id: string;
            role: components["schemas"]["Role"];
            /** @description The new account's API token (shown once, 30 days); null when the caller was authenticated */
            token: string | null;
            /**
             * Format: date-time
             * @description When `token` expires; null without one
             * @example 2026-11-26T13:26:02.123456Z
             */
            token_expires_at: string | null;
        };
        InvitationCreateRequest: {
            /**
             * Format: email
             * @description Who the invitation is for: a label for the account its acceptance makes or joins
             */
            email: string;
            /** @description owner, admin, member or viewer. Only an owner invites an owner */
            role: components["schemas"]["Role"];
        };
        InvitationCreateResponse: {
            /**
             * Format: uuid
             * @example 019abf2e-6a47-7b3e-9c1d-2f4a5b6c7d8e
             */
            id: string;
            /** @example grace@example.com */
            email: string;
            role: components["schemas"]["Role"];
            /**
             * Format: date-time
             * @description RFC 3339, UTC, microseconds
             * @example 2026-11-26T13:26:02.123456Z
             */
            expires_at: string;
            /**
             * @description The console page that accepts it (the secret is in the fragment, never sent in a request line)
             * @example http://127.0.0.1:8000/console/#/invitation/dzi_019abf2e-6a47-7b3e-9c1d-2f4a5b6c7d8e.Q2xh…
             */
            url: string;
            /**
             * @description The invitation itself: shown once, stored only as a hash. Whoever has it accepts it at POST /api/v1/invitations/accept; single use
             * @example dzi_019abf2e-6a47-7b3e-9c1d-2f4a5b6c7d8e.Q2xhcmEgaXMgYSBmaWN0aW9uYWwgdG9rZW4gZXhhbXBsZQ
             */
            secret: string;
        };
        InvitationListResponse: {
            /** @description The page, in the requested order */
            items: components["schemas"]["InvitationResponse"][];
            /** @description Rows across all pages; null unless include_total_count=true */
            total: number | null;
            /** @description The page size used */
            limit: number;
            /** @description Pass with direction=next for the following page; null when has_next is false */
            next_cursor: string | null;
            /** @description Pass with direction=prev for the preceding page; null when has_prev is false */
            prev_cursor: string | null;
            /** @description Rows exist after this page */
            has_next: boolean;
            /** @description Rows exist before this page */
            has_prev: boolean;
            /** @description Always equal to has_next (the pagination guide's loop reads it) */
            has_more: boolean;
        };
        InvitationResponse: {
            /**
             * Format: uuid
             * @example 019abf2e-6a47-7b3e-9c1d-2f4a5b6c7d8e
             */
            id: string;
            /**
             * @description Who it was sent for (a label, not an account)
             * @example grace@example.com
             */
            email: string;
            role: components["schemas"]["Role"];
            /**
             * Format: uuid
             * @description The inviter's user id; null when the operator invited at the CLI
             * @example 019abf2e-6a47-7b3e-9c1d-2f4a5b6c7d8e
             */
            invited_by: string | null;
            /**
             * Format: date-time
             * @description RFC 3339, UTC, microseconds
             * @example 2026-11-26T13:26:02.123456Z
             */
            created_at: string;
            /**
             * Format: date-time
             * @description 7 days after it was made (no later than the token that made it)
             * @example 2026-11-26T13:26:02.123456Z
             */
            expires_at: string;
        };
        PasskeyAssertionCredential: {
            /** @description The credential's id */
            id: string;
            /** @description The same id */
            rawId: string;
            /** @enum {string} */
            type: "public-key";
            response: {
                /** @description As the browser made it */
                clientDataJSON: string;
                /** @description As the authenticator made it */
                authenticatorData: string;
                /** @description The authenticator's signature */
                signature: string;
            } & {
                [key: string]: unknown;
            };
            authenticatorAttachment?: string;
            clientExtensionResults?: {
                [key: string]: unknown;
            };
        } & {
            [key: string]: unknown;
        };
        PasskeyCreateRequest: {
            /** @description A label (default "Passkey") */
            name?: string;
            /** @description What `navigator.credentials.create()` returned for the options of `POST /passkeys/options`, as JSON */
            credential: components["schemas"]["PasskeyRegistrationCredential"];
        };
        PasskeyCreationOptions: {
            /** @description Single use, valid for 5 minutes */
            challenge: string;
            rp: {
                name: string;
                id?: string;
            } & {
                [key: string]: unknown;
            };
            user: {
                /** @description The user handle */
                id: string;
                name: string;
                displayName: string;
            } & {
                [key: string]: unknown;
            };
            /** @description COSE algorithms accepted, best first */
            pubKeyCredParams: {
                alg: number;
                type: string;
            }[];
            timeout?: number;
            /** @description The passkeys the caller has already: an authenticator holding one says so */
            excludeCredentials?: ({
                /** @description A credential's id */
                id: string;
                /** @example public-key */
                type: string;
                transports?: string[];
            } & {
                [key: string]: unknown;
            })[];
            authenticatorSelection?: {
                [key: string]: unknown;
            };
            attestation?: string;
            hints?: string[];
            extensions?: {
                [key: string]: unknown;
            };
        } & {
            [key: string]: unknown;
        };
        PasskeyListResponse: {
            /** @description The page, in the requested order */
            items: components["schemas"]["PasskeyResponse"][];
            /** @description Rows across all pages; null unless include_total_count=true */
            total: number | null;
            /** @description The page size used */
            limit: number;
            /** @description Pass with direction=next for the following page; null when has_next is false */
            next_cursor: string | null;
            /** @description Pass with direction=prev for the preceding page; null when has_prev is false */
            prev_cursor: string | null;
            /** @description Rows exist after this page */
            has_next: boolean;
            /** @description Rows exist before this page */
            has_prev: boolean;
            /** @description Always equal to has_next (the pagination guide's loop reads it) */
            has_more: boolean;
        };
        PasskeyRegistrationCredential: {
            /** @description The credential's id */
            id: string;
            /** @description The same id */
            rawId: string;
            /** @enum {string} */
            type: "public-key";
            response: {
                /** @description As the browser made it */
                clientDataJSON: string;
                /** @description As the authenticator made it */
                attestationObject: string;
                /** @description As `getTransports()` said; values WebAuthn does not name are dropped */
                transports?: string[];
            } & {
                [key: string]: unknown;
            };
            authenticatorAttachment?: string;
            clientExtensionResults?: {
                [key: string]: unknown;
            };
        } & {
            [key: string]: unknown;
        };
        PasskeyRequestOptions: {
            /** @description Single use, valid for 5 minutes */
            challenge: string;
            timeout?: number;
            rpId?: string;
            /** @description Empty: the authenticator offers the passkeys it holds for this site */
            allowCredentials?: ({
                /** @description A credential's id */
                id: string;
                /** @example public-key */
                type: string;
                transports?: string[];
            } & {
                [key: string]: unknown;
            })[];
            userVerification?: string;
            hints?: string[];
            extensions?: {
                [key: string]: unknown;
            };
        } & {
            [key: string]: unknown;
        };
        PasskeyResponse: {
            /**
             * Format: uuid
             * @example 019abf2e-6a47-7b3e-9c1d-2f4a5b6c7d8e
             */
            id: string;
            /**
             * @description A label the user chose (or "Passkey")
             * @example Work laptop
             */
            name: string;
            /**
             * @description How the browser reaches the authenticator, as it said at registration
             * @example [
             *       "internal",
             *       "hybrid"
             *     ]
             */
            transports: string[];
            /**
             * Format: date-time
             * @description RFC 3339, UTC, microseconds
             * @example 2026-11-26T13:26:02.123456Z
             */
            created_at: string;
            /**
             * Format: date-time
             * @description The last sign-in with it
             * @example 2026-11-26T13:26:02.123456Z
             */
            last_used_at: string | null;
        };
        PasskeySignInRequest: {
            /** @description What `navigator.credentials.get()` returned for the options of `POST /sessions/passkey/options`, as JSON */
            credential: components["schemas"]["PasskeyAssertionCredential"];
        };
        /** @enum {string} */
        Role: "owner" | "admin" | "member" | "viewer";
        SessionCreateRequest: {
            /** @description An API token (`dz_…`) of the user signing in */
            token?: string;
            /** @description The secret of a one-time sign-in link (`dzl_…`) */
            link?: string;
        };
        SessionResponse: {
            user: components["schemas"]["SessionUser"];
            /**
             * Format: date-time
             * @description The session's absolute end: 7 days after sign-in, no later than the token it was made from. It ends earlier after 12 hours without use.
             * @example 2026-11-26T13:26:02.123456Z
             */
            expires_at: string;
        };
        SessionUser: {
            /**
             * Format: uuid
             * @example 019abf2e-6a47-7b3e-9c1d-2f4a5b6c7d8e
             */
            id: string;
            /**
             * @description The account's e-mail (a label)
             * @example grace@example.com
             */
            email: string;
        };
        SuccessEnvelope_BusinessCursorListResponse_: {
            /** @example true */
            success: boolean;
            /** @description A short human sentence, e.g. "Customer created" */
            message: string;
            /**
             * @description OK, CREATED, UPDATED or DELETED
             * @example OK
             */
            code: string;
            data: components["schemas"]["BusinessCursorListResponse"];
        };
        SuccessEnvelope_BusinessResponse_: {
            /** @example true */
            success: boolean;
            /** @description A short human sentence, e.g. "Customer created" */
            message: string;
            /**
             * @description OK, CREATED, UPDATED or DELETED
             * @example OK
             */
            code: string;
            data: components["schemas"]["BusinessResponse"];
        };
        SuccessEnvelope_BusinessUserAddResponse_: {
            /** @example true */
            success: boolean;
            /** @description A short human sentence, e.g. "Customer created" */
            message: string;
            /**
             * @description OK, CREATED, UPDATED or DELETED
             * @example OK
             */
            code: string;
            /** @description By `id`: the Member added. By `email`: the Invitation made (its secret shown once) */
            data: components["schemas"]["BusinessUserAddResponse"];
        };
        SuccessEnvelope_BusinessUserListResponse_: {
            /** @example true */
            success: boolean;
            /** @description A short human sentence, e.g. "Customer created" */
            message: string;
            /**
             * @description OK, CREATED, UPDATED or DELETED
             * @example OK
             */
            code: string;
            data: components["schemas"]["BusinessUserListResponse"];
        };
        SuccessEnvelope_BusinessUserResponse_: {
            /** @example true */
            success: boolean;
            /** @description A short human sentence, e.g. "Customer created" */
            message: string;
            /**
             * @description OK, CREATED, UPDATED or DELETED
             * @example OK
             */
            code: string;
            data: components["schemas"]["BusinessUserResponse"];
        };
        SuccessEnvelope_CurrentSessionResponse_: {
            /** @example true */
            success: boolean;
            /** @description A short human sentence, e.g. "Customer created" */
            message: string;
            /**
             * @description OK, CREATED, UPDATED or DELETED
             * @example OK
             */
            code: string;
            data: components["schemas"]["CurrentSessionResponse"];
        };
        SuccessEnvelope_CustomerBulkUploadResponse_: {
            /** @example true */
            success: boolean;
            /** @description A short human sentence, e.g. "Customer created" */
            message: string;
            /**
             * @description OK, CREATED, UPDATED or DELETED
             * @example OK
             */
            code: string;
            data: components["schemas"]["CustomerBulkUploadResponse"];
        };
        SuccessEnvelope_CustomerExportLinkResponse_: {
            /** @example true */
            success: boolean;
            /** @description A short human sentence, e.g. "Customer created" */
            message: string;
            /**
             * @description OK, CREATED, UPDATED or DELETED
             * @example OK
             */
            code: string;
            data: components["schemas"]["CustomerExportLinkResponse"];
        };
        SuccessEnvelope_CustomerListResponse_: {
            /** @example true */
            success: boolean;
            /** @description A short human sentence, e.g. "Customer created" */
            message: string;
            /**
             * @description OK, CREATED, UPDATED or DELETED
             * @example OK
             */
            code: string;
            data: components["schemas"]["CustomerListResponse"];
        };
        SuccessEnvelope_CustomerResponse_: {
            /** @example true */
            success: boolean;
            /** @description A short human sentence, e.g. "Customer created" */
            message: string;
            /**
             * @description OK, CREATED, UPDATED or DELETED
             * @example OK
             */
            code: string;
            data: components["schemas"]["CustomerResponse"];
        };
        SuccessEnvelope_EntityContactListResponse_: {
            /** @example true */
            success: boolean;
            /** @description A short human sentence, e.g. "Customer created" */
            message: string;
            /**
             * @description OK, CREATED, UPDATED or DELETED
             * @example OK
             */
            code: string;
            data: components["schemas"]["EntityContactListResponse"];
        };
        SuccessEnvelope_EntityContactResponse_: {
            /** @example true */
            success: boolean;
            /** @description A short human sentence, e.g. "Customer created" */
            message: string;
            /**
             * @description OK, CREATED, UPDATED or DELETED
             * @example OK
             */
            code: string;
            data: components["schemas"]["EntityContactResponse"];
        };
        SuccessEnvelope_EventListResponse_: {
            /** @example true */
            success: boolean;
            /** @description A short human sentence, e.g. "Customer created" */
            message: string;
            /**
             * @description OK, CREATED, UPDATED or DELETED
             * @example OK
             */
            code: string;
            data: components["schemas"]["EventListResponse"];
        };
        SuccessEnvelope_InvitationAcceptResponse_: {
            /** @example true */
            success: boolean;
            /** @description A short human sentence, e.g. "Customer created" */
            message: string;
            /**
             * @description OK, CREATED, UPDATED or DELETED
             * @example OK
             */
            code: string;
            data: components["schemas"]["InvitationAcceptResponse"];
        };
        SuccessEnvelope_InvitationCreateResponse_: {
            /** @example true */
            success: boolean;
            /** @description A short human sentence, e.g. "Customer created" */
            message: string;
            /**
             * @description OK, CREATED, UPDATED or DELETED
             * @example OK
             */
            code: string;
            data: components["schemas"]["InvitationCreateResponse"];
        };
        SuccessEnvelope_InvitationListResponse_: {
            /** @example true */
            success: boolean;
            /** @description A short human sentence, e.g. "Customer created" */
            message: string;
            /**
             * @description OK, CREATED, UPDATED or DELETED
             * @example OK
             */
            code: string;
            data: components["schemas"]["InvitationListResponse"];
        };
        SuccessEnvelope_NoneType_: {
            /** @example true */
            success: boolean;
            /** @description A short human sentence, e.g. "Customer deleted" */
            message: string;
            /** @example DELETED */
            code: string;
        };
        SuccessEnvelope_PasskeyCreationOptions_: {
            /** @example true */
            success: boolean;
            /** @description A short human sentence, e.g. "Customer created" */
            message: string;
            /**
             * @description OK, CREATED, UPDATED or DELETED
             * @example OK
             */
            code: string;
            /** @description WebAuthn options in their JSON form (W3C WebAuthn Level 3 `PublicKeyCredentialCreationOptionsJSON` / `…RequestOptionsJSON`), for `navigator.credentials` (e.g. through `PublicKeyCredential.parseCreationOptionsFromJSON`, or @simplewebauthn/browser) */
            data: components["schemas"]["PasskeyCreationOptions"];
        };
        SuccessEnvelope_PasskeyListResponse_: {
            /** @example true */
            success: boolean;
            /** @description A short human sentence, e.g. "Customer created" */
            message: string;
            /**
             * @description OK, CREATED, UPDATED or DELETED
             * @example OK
             */
            code: string;
            data: components["schemas"]["PasskeyListResponse"];
        };
        SuccessEnvelope_PasskeyRequestOptions_: {
            /** @example true */
            success: boolean;
            /** @description A short human sentence, e.g. "Customer created" */
            message: string;
            /**
             * @description OK, CREATED, UPDATED or DELETED
             * @example OK
             */
            code: string;
            /** @description WebAuthn options in their JSON form (W3C WebAuthn Level 3 `PublicKeyCredentialCreationOptionsJSON` / `…RequestOptionsJSON`), for `navigator.credentials` (e.g. through `PublicKeyCredential.parseCreationOptionsFromJSON`, or @simplewebauthn/browser) */
            data: components["schemas"]["PasskeyRequestOptions"];
        };
        SuccessEnvelope_PasskeyResponse_: {
            /** @example true */
            success: boolean;
            /** @description A short human sentence, e.g. "Customer created" */
            message: string;
            /**
             * @description OK, CREATED, UPDATED or DELETED
             * @example OK
             */
            code: string;
            data: components["schemas"]["PasskeyResponse"];
        };
        SuccessEnvelope_SessionResponse_: {
            /** @example true */
            success: boolean;
            /** @description A short human sentence, e.g. "Customer created" */
            message: string;
            /**
             * @description OK, CREATED, UPDATED or DELETED
             * @example OK
             */
            code: string;
            data: components["schemas"]["SessionResponse"];
        };
        SuccessEnvelope_TemplateResponse_: {
            /** @example true */
            success: boolean;
            /** @description A short human sentence, e.g. "Customer created" */
            message: string;
            /**
             * @description OK, CREATED, UPDATED or DELETED
             * @example OK
             */
            code: string;
            data: components["schemas"]["TemplateResponse"];
        };
        SuccessEnvelope_TokenCreateResponse_: {
            /** @example true */
            success: boolean;
            /** @description A short human sentence, e.g. "Customer created" */
            message: string;
            /**
             * @description OK, CREATED, UPDATED or DELETED
             * @example OK
             */
            code: string;
            data: components["schemas"]["TokenCreateResponse"];
        };
        SuccessEnvelope_TokenListResponse_: {
            /** @example true */
            success: boolean;
            /** @description A short human sentence, e.g. "Customer created" */
            message: string;
            /**
             * @description OK, CREATED, UPDATED or DELETED
             * @example OK
             */
            code: string;
            data: components["schemas"]["TokenListResponse"];
        };
        SuccessEnvelope_WebhookDeliveryAttemptListResponse_: {
            /** @example true */
            success: boolean;
            /** @description A short human sentence, e.g. "Customer created" */
            message: string;
            /**
             * @description OK, CREATED, UPDATED or DELETED
             * @example OK
             */
            code: string;
            data: components["schemas"]["WebhookDeliveryAttemptListResponse"];
        };
        SuccessEnvelope_WebhookDeliveryScheduledResponse_: {
            /** @example true */
            success: boolean;
            /** @description A short human sentence, e.g. "Customer created" */
            message: string;
            /**
             * @description OK, CREATED, UPDATED or DELETED
             * @example OK
             */
            code: string;
            data: components["schemas"]["WebhookDeliveryScheduledResponse"];
        };
        SuccessEnvelope_WebhookEndpointCreatedResponse_: {
            /** @example true */
            success: boolean;
            /** @description A short human sentence, e.g. "Customer created" */
            message: string;
            /**
             * @description OK, CREATED, UPDATED or DELETED
             * @example OK
             */
            code: string;
            data: components["schemas"]["WebhookEndpointCreatedResponse"];
        };
        SuccessEnvelope_WebhookEndpointListResponse_: {
            /** @example true */
            success: boolean;
            /** @description A short human sentence, e.g. "Customer created" */
            message: string;
            /**
             * @description OK, CREATED, UPDATED or DELETED
             * @example OK
             */
            code: string;
            data: components["schemas"]["WebhookEndpointListResponse"];
        };
        SuccessEnvelope_WebhookEndpointResponse_: {
            /** @example true */
            success: boolean;
            /** @description A short human sentence, e.g. "Customer created" */
            message: string;
            /**
             * @description OK, CREATED, UPDATED or DELETED
             * @example OK
             */
            code: string;
            data: components["schemas"]["WebhookEndpointResponse"];
        };
        TemplateResponse: {
            /** @example customers */
            template_name: string;
            csv_content_stringified: string;
            csv_content_object: {
                [key: string]: string;
            }[];
            csv_content_base64: string;
            xls_content_base64: string | null;
        };
        TokenCreateRequest: {
            /**
             * @description Lifetime in days (1..365). Left out: no expiry of its own. Either way the new token expires no later than the token that creates it.
             * @example 90
             */
            expires_in_days?: number;
        };
        TokenCreateResponse: {
            /**
             * @description The secret: shown once, stored only as a hash. Send it as `Authorization: Bearer …`
             * @example dz_Q2xhcmEgaXMgYSBmaWN0aW9uYWwgdG9rZW4gZXhhbXBsZQ
             */
            token: string;
            /**
             * Format: uuid
             * @example 019abf2e-6a47-7b3e-9c1d-2f4a5b6c7d8e
             */
            id: string;
            /** @example dz_Q2xhcmE */
            prefix: string;
            /**
             * Format: date-time
             * @description null: never expires
             * @example 2026-11-26T13:26:02.123456Z
             */
            expires_at: string | null;
        };
        TokenListResponse: {
            /** @description The page, in the requested order */
            items: components["schemas"]["TokenResponse"][];
            /** @description Rows across all pages; null unless include_total_count=true */
            total: number | null;
            /** @description The page size used */
            limit: number;
            /** @description Pass with direction=next for the following page; null when has_next is false */
            next_cursor: string | null;
            /** @description Pass with direction=prev for the preceding page; null when has_prev is false */
            prev_cursor: string | null;
            /** @description Rows exist after this page */
            has_next: boolean;
            /** @description Rows exist before this page */
            has_prev: boolean;
            /** @description Always equal to has_next (the pagination guide's loop reads it) */
            has_more: boolean;
        };
        TokenResponse: {
            /**
             * Format: uuid
             * @example 019abf2e-6a47-7b3e-9c1d-2f4a5b6c7d8e
             */
            id: string;
            /**
             * @description The first characters of the secret, to tell tokens apart
             * @example dz_Q2xhcmE
             */
            prefix: string;
            /**
             * Format: date-time
             * @description RFC 3339, UTC, microseconds
             * @example 2026-11-26T13:26:02.123456Z
             */
            created_at: string;
            /**
             * Format: date-time
             * @description null: never expires
             * @example 2026-11-26T13:26:02.123456Z
             */
            expires_at: string | null;
            /**
             * Format: date-time
             * @description Updated at most once a minute
             * @example 2026-11-26T13:26:02.123456Z
             */
            last_used_at: string | null;
            /**
             * Format: date-time
             * @description RFC 3339, UTC, microseconds
             * @example 2026-11-26T13:26:02.123456Z
             */
            revoked_at: string | null;
        };
        ValidationError: {
            /** @example missing */
            type: string;
            loc: (string | number)[];
            msg: string;
            input?: unknown;
            ctx?: {
                [key: string]: unknown;
            };
        };
        WebhookDeliveryAttemptListResponse: {
            /** @description The page, in the requested order */
            items: components["schemas"]["WebhookDeliveryAttemptResponse"][];
            /** @description Rows across all pages; null unless include_total_count=true */
            total: number | null;
            /** @description The page size used */
            limit: number;
            /** @description Pass with direction=next for the following page; null when has_next is false */
            next_cursor: string | null;
            /** @description Pass with direction=prev for the preceding page; null when has_prev is false */
            prev_cursor: string | null;
            /** @description Rows exist after this page */
            has_next: boolean;
            /** @description Rows exist before this page */
            has_prev: boolean;
            /** @description Always equal to has_next (the pagination guide's loop reads it) */
            has_more: boolean;
        };
        WebhookDeliveryAttemptResponse: {
            /**
             * Format: uuid
             * @example 019abf2e-6a47-7b3e-9c1d-2f4a5b6c7d8e
             */
            id: string;
            /**
             * Format: uuid
             * @example 019abf2e-6a47-7b3e-9c1d-2f4a5b6c7d8e
             */
            event_id: string;
            event_type: string;
            /** @description 1 for the first attempt */
            attempt: number;
            /** @description The receiver's HTTP status; null when none came */
            status_code: number | null;
            /** @description Why no status came (timeout, refused address, connection error) */
            error: string | null;
            duration_ms: number;
            /**
             * Format: date-time
             * @description When the event is tried again; null after a success or the last attempt
             */
            next_retry_at: string | null;
            /**
             * Format: date-time
             * @description RFC 3339, UTC, microseconds
             * @example 2026-11-26T13:26:02.123456Z
             */
            created_at: string;
        };
        WebhookDeliveryScheduledResponse: {
            /**
             * Format: uuid
             * @example 019abf2e-6a47-7b3e-9c1d-2f4a5b6c7d8e
             */
            id: string;
            /**
             * Format: uuid
             * @example 019abf2e-6a47-7b3e-9c1d-2f4a5b6c7d8e
             */
            event_id: string;
        };
        WebhookEndpointCreatedResponse: {
            /**
             * Format: uuid
             * @example 019abf2e-6a47-7b3e-9c1d-2f4a5b6c7d8e
             */
            id: string;
            /** @example https://example.com/webhooks/customers */
            url: string;
            /** @description Event types to receive, or ['*'] for all */
            events: ("customer.created" | "customer.updated" | "customer.deleted" | "contact.created" | "contact.updated" | "contact.deleted" | "*")[];
            description: string | null;
            enabled: boolean;
            /**
             * Format: date-time
             * @description RFC 3339, UTC, microseconds
             * @example 2026-11-26T13:26:02.123456Z
             */
            created_at: string;
            /**
             * @description The signing secret (`whsec_…`), shown only in this response. Verify `webhook-signature` with it (Standard Webhooks).
             * @example whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw
             */
            secret: string;
        };
        WebhookEndpointCreateRequest: {
            /** @description Where events are POSTed: https:// (http:// only where the operator allows it); private and loopback addresses are refused */
            url: string;
            /** @description Event types to receive, or ['*'] for all */
            events: ("customer.created" | "customer.updated" | "customer.deleted" | "contact.created" | "contact.updated" | "contact.deleted" | "*")[];
            description?: string | null;
            /** @description Deliver to it (default true) */
            enabled?: boolean;
        };
        WebhookEndpointListResponse: {
            /** @description The page, in the requested order */
            items: components["schemas"]["WebhookEndpointResponse"][];
            /** @description Rows across all pages; null unless include_total_count=true */
            total: number | null;
            /** @description The page size used */
            limit: number;
            /** @description Pass with direction=next for the following page; null when has_next is false */
            next_cursor: string | null;
            /** @description Pass with direction=prev for the preceding page; null when has_prev is false */
            prev_cursor: string | null;
            /** @description Rows exist after this page */
            has_next: boolean;
            /** @description Rows exist before this page */
            has_prev: boolean;
            /** @description Always equal to has_next (the pagination guide's loop reads it) */
            has_more: boolean;
        };
        WebhookEndpointResponse: {
            /**
             * Format: uuid
             * @example 019abf2e-6a47-7b3e-9c1d-2f4a5b6c7d8e
             */
            id: string;
            /** @example https://example.com/webhooks/customers */
            url: string;
            /** @description Event types to receive, or ['*'] for all */
            events: ("customer.created" | "customer.updated" | "customer.deleted" | "contact.created" | "contact.updated" | "contact.deleted" | "*")[];
            description: string | null;
            enabled: boolean;
            /**
             * Format: date-time
             * @description RFC 3339, UTC, microseconds
             * @example 2026-11-26T13:26:02.123456Z
             */
            created_at: string;
        };
        WebhookEndpointUpdateRequest: {
            /** @description Where events are POSTed: https:// (http:// only where the operator allows it); private and loopback addresses are refused */
            url?: string;
            /** @description Event types to receive, or ['*'] for all */
            events?: ("customer.created" | "customer.updated" | "customer.deleted" | "contact.created" | "contact.updated" | "contact.deleted" | "*")[];
            description?: string | null;
            enabled?: boolean;
        };
    };
    responses: never;
    parameters: never;
    requestBodies: never;
    headers: never;
    pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
    list_businesses_api_v1_businesses_get: {
        parameters: {
            query?: {
                /** @description Exact business id */
                id?: string;
                /** @description Part of the name, case-insensitive */
                name?: string;
                /** @description Cursor for pagination */
                cursor?: string;
                /** @description Pagination limit */
                limit?: number;
                /** @description Pagination direction: 'next' or 'prev' */
                direction?: "next" | "prev";
                /** @description Whether to include total count (expensive - avoid if possible) */
                include_total_count?: boolean;
                /** @description Column name to sort by: 'created_at' or 'name'. When changing sort, reset cursor to None. */
                sort_by?: "created_at" | "name";
                /** @description Sort direction: true for descending (newest/largest first), false for ascending */
                descending?: boolean;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SuccessEnvelope_BusinessCursorListResponse_"];
                };
            };
            /** @description Bad Request - a malformed request, or a resource in a state that forbids this */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Unauthorized - Authentication required */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Forbidden - Insufficient permissions */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Payload Too Large */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Unsupported Media Type */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Validation Error */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPValidationError"];
                };
            };
            /** @description Too Many Requests - see Retry-After */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Internal Server Error */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Service Unavailable - database unreachable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
        };
    };
    create_business_api_v1_businesses_post: {
        parameters: {
            query?: never;
            header?: {
                /** @description Makes a retry safe: the first request with a key runs, a later one with the same key, method, path and body gets the same answer (header Idempotent-Replayed: true) and does nothing. Kept 24 hours, per business (or per user without x-business-id). */
                "idempotency-key"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["BusinessCreateRequest"];
            };
        };
        responses: {
            /** @description Successful Response */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SuccessEnvelope_BusinessResponse_"];
                };
            };
            /** @description Bad Request - a malformed request, or a resource in a state that forbids this */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Unauthorized - Authentication required */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Forbidden - Insufficient permissions */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Payload Too Large */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Unsupported Media Type */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Validation Error */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPValidationError"];
                };
            };
            /** @description Too Many Requests - see Retry-After */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Internal Server Error */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Service Unavailable - database unreachable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
        };
    };
    get_business_api_v1_businesses__business_id__get: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                business_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SuccessEnvelope_BusinessResponse_"];
                };
            };
            /** @description Bad Request - a malformed request, or a resource in a state that forbids this */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Unauthorized - Authentication required */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Forbidden - Insufficient permissions */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Not Found - Resource does not exist */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Payload Too Large */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Unsupported Media Type */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Validation Error */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPValidationError"];
                };
            };
            /** @description Too Many Requests - see Retry-After */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Internal Server Error */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Service Unavailable - database unreachable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
        };
    };
    update_business_api_v1_businesses__business_id__put: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                business_id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["BusinessUpdateRequest"];
            };
        };
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SuccessEnvelope_BusinessResponse_"];
                };
            };
            /** @description Bad Request - a malformed request, or a resource in a state that forbids this */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Unauthorized - Authentication required */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Forbidden - Insufficient permissions */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Not Found - Resource does not exist */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Payload Too Large */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Unsupported Media Type */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Validation Error */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPValidationError"];
                };
            };
            /** @description Too Many Requests - see Retry-After */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Internal Server Error */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Service Unavailable - database unreachable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
        };
    };
    list_business_users_api_v1_businesses_users_get: {
        parameters: {
            query?: {
                /** @description Cursor for pagination */
                cursor?: string;
                /** @description Pagination limit */
                limit?: number;
                /** @description Pagination direction: 'next' or 'prev' */
                direction?: "next" | "prev";
                /** @description Whether to include total count (expensive - avoid if possible) */
                include_total_count?: boolean;
                /** @description Column name to sort by: 'created_at' or 'email'. When changing sort, reset cursor to None. */
                sort_by?: "created_at" | "email";
                /** @description Sort direction: true for descending (newest/largest first), false for ascending */
                descending?: boolean;
            };
            header?: {
                /** @description The business (tenant) to act in. Needed: missing → 422 */
                "x-business-id"?: string;
                /** @description Recorded as created_by / updated_by for audit */
                "x-user-email"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    /** @description A strong validator of this answer: send it back in `If-None-Match` to be answered 304 while the answer is the same. */
                    ETag?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SuccessEnvelope_BusinessUserListResponse_"];
                };
            };
            /** @description Not Modified: the `If-None-Match` header names the current `ETag`: the answer is the one the client holds. No body. */
            304: {
                headers: {
                    /** @description A strong validator of this answer: send it back in `If-None-Match` to be answered 304 while the answer is the same. */
                    ETag?: string;
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Bad Request - a malformed request, or a resource in a state that forbids this */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Unauthorized - Authentication required */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Forbidden - Insufficient permissions */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Not Found - Resource does not exist */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Payload Too Large */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Unsupported Media Type */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Validation Error */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPValidationError"];
                };
            };
            /** @description Too Many Requests - see Retry-After */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Internal Server Error */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Service Unavailable - database unreachable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
        };
    };
    add_business_user_api_v1_businesses_users_post: {
        parameters: {
            query?: never;
            header?: {
                /** @description The business (tenant) to act in. Needed: missing → 422 */
                "x-business-id"?: string;
                /** @description Recorded as created_by / updated_by for audit */
                "x-user-email"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["BusinessUserAddRequest"];
            };
        };
        responses: {
            /** @description Successful Response */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SuccessEnvelope_BusinessUserAddResponse_"];
                };
            };
            /** @description Bad Request - a malformed request, or a resource in a state that forbids this */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Unauthorized - Authentication required */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Forbidden - Insufficient permissions */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Not Found - Resource does not exist */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Conflict - a unique rule would break */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Payload Too Large */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Unsupported Media Type */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Validation Error */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPValidationError"];
                };
            };
            /** @description Too Many Requests - see Retry-After */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Internal Server Error */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Service Unavailable - database unreachable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
        };
    };
    update_business_user_api_v1_businesses_users__user_id__put: {
        parameters: {
            query?: never;
            header?: {
                /** @description The business (tenant) to act in. Needed: missing → 422 */
                "x-business-id"?: string;
                /** @description Recorded as created_by / updated_by for audit */
                "x-user-email"?: string;
            };
            path: {
                user_id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["BusinessUserUpdateRequest"];
            };
        };
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SuccessEnvelope_BusinessUserResponse_"];
                };
            };
            /** @description Bad Request - a malformed request, or a resource in a state that forbids this */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Unauthorized - Authentication required */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Forbidden - Insufficient permissions */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Not Found - Resource does not exist */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Conflict - a unique rule would break */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Payload Too Large */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Unsupported Media Type */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Validation Error */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPValidationError"];
                };
            };
            /** @description Too Many Requests - see Retry-After */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Internal Server Error */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Service Unavailable - database unreachable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
        };
    };
    remove_business_user_api_v1_businesses_users__user_id__delete: {
        parameters: {
            query?: never;
            header?: {
                /** @description The business (tenant) to act in. Needed: missing → 422 */
                "x-business-id"?: string;
                /** @description Recorded as created_by / updated_by for audit */
                "x-user-email"?: string;
            };
            path: {
                user_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SuccessEnvelope_NoneType_"];
                };
            };
            /** @description Bad Request - a malformed request, or a resource in a state that forbids this */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Unauthorized - Authentication required */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Forbidden - Insufficient permissions */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Not Found - Resource does not exist */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Conflict - a unique rule would break */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Payload Too Large */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Unsupported Media Type */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Validation Error */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPValidationError"];
                };
            };
            /** @description Too Many Requests - see Retry-After */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Internal Server Error */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Service Unavailable - database unreachable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
        };
    };
    list_invitations_api_v1_businesses_invitations_get: {
        parameters: {
            query?: {
                /** @description Cursor for pagination */
                cursor?: string;
                /** @description Pagination limit */
                limit?: number;
                /** @description Pagination direction: 'next' or 'prev' */
                direction?: "next" | "prev";
                /** @description Whether to include total count (expensive - avoid if possible) */
                include_total_count?: boolean;
                /** @description Column name to sort by: 'created_at' or 'expires_at'. When changing sort, reset cursor to None. */
                sort_by?: "created_at" | "expires_at";
                /** @description Sort direction: true for descending (newest/largest first), false for ascending */
                descending?: boolean;
            };
            header?: {
                /** @description The business (tenant) to act in. Needed: missing → 422 */
                "x-business-id"?: string;
                /** @description Recorded as created_by / updated_by for audit */
                "x-user-email"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SuccessEnvelope_InvitationListResponse_"];
                };
            };
            /** @description Bad Request - a malformed request, or a resource in a state that forbids this */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Unauthorized - Authentication required */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Forbidden - Insufficient permissions */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Not Found - Resource does not exist */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Payload Too Large */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Unsupported Media Type */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Validation Error */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPValidationError"];
                };
            };
            /** @description Too Many Requests - see Retry-After */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Internal Server Error */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Service Unavailable - database unreachable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
        };
    };
    create_invitation_api_v1_businesses_invitations_post: {
        parameters: {
            query?: never;
            header?: {
                /** @description The business (tenant) to act in. Needed: missing → 422 */
                "x-business-id"?: string;
                /** @description Recorded as created_by / updated_by for audit */
                "x-user-email"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "email": "grace@example.com",
                 *       "role": "member"
                 *     }
                 */
                "application/json": components["schemas"]["InvitationCreateRequest"];
            };
        };
        responses: {
            /** @description Successful Response */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SuccessEnvelope_InvitationCreateResponse_"];
                };
            };
            /** @description Bad Request - a malformed request, or a resource in a state that forbids this */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Unauthorized - Authentication required */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Forbidden - Insufficient permissions */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Not Found - Resource does not exist */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Payload Too Large */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Unsupported Media Type */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Validation Error */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPValidationError"];
                };
            };
            /** @description Too Many Requests - see Retry-After */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Internal Server Error */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Service Unavailable - database unreachable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
        };
    };
    revoke_invitation_api_v1_businesses_invitations__invitation_id__delete: {
        parameters: {
            query?: never;
            header?: {
                /** @description The business (tenant) to act in. Needed: missing → 422 */
                "x-business-id"?: string;
                /** @description Recorded as created_by / updated_by for audit */
                "x-user-email"?: string;
            };
            path: {
                invitation_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SuccessEnvelope_NoneType_"];
                };
            };
            /** @description Bad Request - a malformed request, or a resource in a state that forbids this */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Unauthorized - Authentication required */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Forbidden - Insufficient permissions */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Not Found - Resource does not exist */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Payload Too Large */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Unsupported Media Type */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Validation Error */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPValidationError"];
                };
            };
            /** @description Too Many Requests - see Retry-After */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Internal Server Error */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Service Unavailable - database unreachable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
        };
    };
    accept_invitation_api_v1_invitations_accept_post: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "link": "dzi_…",
                 *       "as": "token"
                 *     }
                 */
                "application/json": components["schemas"]["InvitationAcceptRequest"];
            };
        };
        responses: {
            /** @description Successful Response */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SuccessEnvelope_InvitationAcceptResponse_"];
                };
            };
            /** @description Bad Request - a malformed request, or a resource in a state that forbids this */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Unauthorized - Authentication required */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Forbidden - Insufficient permissions */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Request Timeout - the body did not arrive in time */
            408: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Conflict - a unique rule would break */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Error */
            410: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Payload Too Large */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Unsupported Media Type */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Validation Error */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPValidationError"];
                };
            };
            /** @description Too Many Requests - see Retry-After */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Internal Server Error */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Service Unavailable - database unreachable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
        };
    };
    create_session_api_v1_sessions_post: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "link": "dzl_…"
                 *     }
                 */
                "application/json": components["schemas"]["SessionCreateRequest"];
            };
        };
        responses: {
            /** @description Successful Response */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SuccessEnvelope_SessionResponse_"];
                };
            };
            /** @description Bad Request - a malformed request, or a resource in a state that forbids this */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Unauthorized - Authentication required */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Forbidden - Insufficient permissions */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Request Timeout - the body did not arrive in time */
            408: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Payload Too Large */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Unsupported Media Type */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Validation Error */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPValidationError"];
                };
            };
            /** @description Too Many Requests - see Retry-After */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Internal Server Error */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Service Unavailable - database unreachable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
        };
    };
    get_current_session_api_v1_sessions_current_get: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SuccessEnvelope_CurrentSessionResponse_"];
                };
            };
            /** @description Bad Request - a malformed request, or a resource in a state that forbids this */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Unauthorized - Authentication required */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Forbidden - Insufficient permissions */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Payload Too Large */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Unsupported Media Type */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Validation Error */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPValidationError"];
                };
            };
            /** @description Too Many Requests - see Retry-After */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Internal Server Error */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Service Unavailable - database unreachable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
        };
    };
    delete_current_session_api_v1_sessions_current_delete: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SuccessEnvelope_NoneType_"];
                };
            };
            /** @description Bad Request - a malformed request, or a resource in a state that forbids this */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Unauthorized - Authentication required */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Forbidden - Insufficient permissions */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Payload Too Large */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Unsupported Media Type */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Validation Error */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPValidationError"];
                };
            };
            /** @description Too Many Requests - see Retry-After */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Internal Server Error */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Service Unavailable - database unreachable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
        };
    };
    create_passkey_sign_in_options_api_v1_sessions_passkey_options_post: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SuccessEnvelope_PasskeyRequestOptions_"];
                };
            };
            /** @description Bad Request - a malformed request, or a resource in a state that forbids this */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Unauthorized - Authentication required */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Forbidden - Insufficient permissions */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Payload Too Large */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Unsupported Media Type */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Validation Error */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPValidationError"];
                };
            };
            /** @description Too Many Requests - see Retry-After */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Internal Server Error */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Service Unavailable - database unreachable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
        };
    };
    create_passkey_session_api_v1_sessions_passkey_post: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["PasskeySignInRequest"];
            };
        };
        responses: {
            /** @description Successful Response */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SuccessEnvelope_SessionResponse_"];
                };
            };
            /** @description Bad Request - a malformed request, or a resource in a state that forbids this */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Unauthorized - Authentication required */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Forbidden - Insufficient permissions */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Request Timeout - the body did not arrive in time */
            408: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Payload Too Large */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Unsupported Media Type */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Validation Error */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPValidationError"];
                };
            };
            /** @description Too Many Requests - see Retry-After */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Internal Server Error */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Service Unavailable - database unreachable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
        };
    };
    list_tokens_api_v1_tokens_get: {
        parameters: {
            query?: {
                /** @description Cursor for pagination */
                cursor?: string;
                /** @description Pagination limit */
                limit?: number;
                /** @description Pagination direction: 'next' or 'prev' */
                direction?: "next" | "prev";
                /** @description Whether to include total count (expensive - avoid if possible) */
                include_total_count?: boolean;
                /** @description Column name to sort by: 'created_at'. When changing sort, reset cursor to None. */
                sort_by?: "created_at";
                /** @description Sort direction: true for descending (newest/largest first), false for ascending */
                descending?: boolean;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SuccessEnvelope_TokenListResponse_"];
                };
            };
            /** @description Bad Request - a malformed request, or a resource in a state that forbids this */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Unauthorized - Authentication required */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Forbidden - Insufficient permissions */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Payload Too Large */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Unsupported Media Type */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Validation Error */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPValidationError"];
                };
            };
            /** @description Too Many Requests - see Retry-After */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Internal Server Error */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Service Unavailable - database unreachable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
        };
    };
    create_token_api_v1_tokens_post: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** @description Optional: no body creates a token with no expiry of its own */
        requestBody?: {
            content: {
                "application/json": components["schemas"]["TokenCreateRequest"];
            };
        };
        responses: {
            /** @description Successful Response */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SuccessEnvelope_TokenCreateResponse_"];
                };
            };
            /** @description Bad Request - a malformed request, or a resource in a state that forbids this */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Unauthorized - Authentication required */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Forbidden - Insufficient permissions */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Conflict - a unique rule would break */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Payload Too Large */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Unsupported Media Type */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Validation Error */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPValidationError"];
                };
            };
            /** @description Too Many Requests - see Retry-After */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Internal Server Error */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Service Unavailable - database unreachable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
        };
    };
    revoke_token_api_v1_tokens__token_id__delete: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                token_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SuccessEnvelope_NoneType_"];
                };
            };
            /** @description Bad Request - a malformed request, or a resource in a state that forbids this */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Unauthorized - Authentication required */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Forbidden - Insufficient permissions */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Not Found - Resource does not exist */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Payload Too Large */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Unsupported Media Type */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Validation Error */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPValidationError"];
                };
            };
            /** @description Too Many Requests - see Retry-After */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Internal Server Error */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Service Unavailable - database unreachable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
        };
    };
    create_passkey_options_api_v1_passkeys_options_post: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SuccessEnvelope_PasskeyCreationOptions_"];
                };
            };
            /** @description Bad Request - a malformed request, or a resource in a state that forbids this */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Unauthorized - Authentication required */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Forbidden - Insufficient permissions */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Payload Too Large */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Unsupported Media Type */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Validation Error */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPValidationError"];
                };
            };
            /** @description Too Many Requests - see Retry-After */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Internal Server Error */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Service Unavailable - database unreachable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
        };
    };
    list_passkeys_api_v1_passkeys_get: {
        parameters: {
            query?: {
                /** @description Cursor for pagination */
                cursor?: string;
                /** @description Pagination limit */
                limit?: number;
                /** @description Pagination direction: 'next' or 'prev' */
                direction?: "next" | "prev";
                /** @description Whether to include total count (expensive - avoid if possible) */
                include_total_count?: boolean;
                /** @description Column name to sort by: 'created_at'. When changing sort, reset cursor to None. */
                sort_by?: "created_at";
                /** @description Sort direction: true for descending (newest/largest first), false for ascending */
                descending?: boolean;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SuccessEnvelope_PasskeyListResponse_"];
                };
            };
            /** @description Bad Request - a malformed request, or a resource in a state that forbids this */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Unauthorized - Authentication required */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Forbidden - Insufficient permissions */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Payload Too Large */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Unsupported Media Type */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Validation Error */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPValidationError"];
                };
            };
            /** @description Too Many Requests - see Retry-After */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Internal Server Error */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Service Unavailable - database unreachable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
        };
    };
    create_passkey_api_v1_passkeys_post: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["PasskeyCreateRequest"];
            };
        };
        responses: {
            /** @description Successful Response */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SuccessEnvelope_PasskeyResponse_"];
                };
            };
            /** @description Bad Request - a malformed request, or a resource in a state that forbids this */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Unauthorized - Authentication required */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Forbidden - Insufficient permissions */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Conflict - a unique rule would break */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Payload Too Large */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Unsupported Media Type */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Validation Error */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPValidationError"];
                };
            };
            /** @description Too Many Requests - see Retry-After */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Internal Server Error */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Service Unavailable - database unreachable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
        };
    };
    delete_passkey_api_v1_passkeys__passkey_id__delete: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                passkey_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SuccessEnvelope_NoneType_"];
                };
            };
            /** @description Bad Request - a malformed request, or a resource in a state that forbids this */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Unauthorized - Authentication required */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Forbidden - Insufficient permissions */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Not Found - Resource does not exist */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Payload Too Large */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Unsupported Media Type */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Validation Error */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPValidationError"];
                };
            };
            /** @description Too Many Requests - see Retry-After */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Internal Server Error */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Service Unavailable - database unreachable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
        };
    };
    list_events_api_v1_events_get: {
        parameters: {
            query?: {
                /** @description Only these types (repeat the parameter for several) */
                type?: components["schemas"]["EventType"][];
                /** @description Only this customer's or contact's events */
                object_id?: string;
                /** @description Cursor for pagination */
                cursor?: string;
                /** @description Pagination limit */
                limit?: number;
                /** @description Pagination direction: 'next' or 'prev' */
                direction?: "next" | "prev";
                /** @description Whether to include total count */
                include_total_count?: boolean;
            };
            header?: {
                /** @description The business (tenant) to act in. Needed: missing → 422 */
                "x-business-id"?: string;
                /** @description Recorded as created_by / updated_by for audit */
                "x-user-email"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    /** @description A strong validator of this answer: send it back in `If-None-Match` to be answered 304 while the answer is the same. */
                    ETag?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SuccessEnvelope_EventListResponse_"];
                };
            };
            /** @description Not Modified: the `If-None-Match` header names the current `ETag`: the answer is the one the client holds. No body. */
            304: {
                headers: {
                    /** @description A strong validator of this answer: send it back in `If-None-Match` to be answered 304 while the answer is the same. */
                    ETag?: string;
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Bad Request - a malformed request, or a resource in a state that forbids this */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Unauthorized - Authentication required */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Forbidden - Insufficient permissions */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Not Found - Resource does not exist */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Payload Too Large */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Unsupported Media Type */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Validation Error */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPValidationError"];
                };
            };
            /** @description Too Many Requests - see Retry-After */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Internal Server Error */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Service Unavailable - database unreachable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
        };
    };
    list_webhook_endpoints_api_v1_webhook_endpoints_get: {
        parameters: {
            query?: {
                /** @description Cursor for pagination */
                cursor?: string;
                /** @description Pagination limit */
                limit?: number;
                /** @description Pagination direction: 'next' or 'prev' */
                direction?: "next" | "prev";
                /** @description Whether to include total count (expensive - avoid if possible) */
                include_total_count?: boolean;
                /** @description Column name to sort by: 'created_at'. */
                sort_by?: "created_at";
                /** @description Sort direction: true for descending (newest/largest first), false for ascending */
                descending?: boolean;
            };
            header?: {
                /** @description The business (tenant) to act in. Needed: missing → 422 */
                "x-business-id"?: string;
                /** @description Recorded as created_by / updated_by for audit */
                "x-user-email"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    /** @description A strong validator of this answer: send it back in `If-None-Match` to be answered 304 while the answer is the same. */
                    ETag?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SuccessEnvelope_WebhookEndpointListResponse_"];
                };
            };
            /** @description Not Modified: the `If-None-Match` header names the current `ETag`: the answer is the one the client holds. No body. */
            304: {
                headers: {
                    /** @description A strong validator of this answer: send it back in `If-None-Match` to be answered 304 while the answer is the same. */
                    ETag?: string;
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Bad Request - a malformed request, or a resource in a state that forbids this */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Unauthorized - Authentication required */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Forbidden - Insufficient permissions */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Not Found - Resource does not exist */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Payload Too Large */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Unsupported Media Type */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Validation Error */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPValidationError"];
                };
            };
            /** @description Too Many Requests - see Retry-After */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Internal Server Error */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Service Unavailable - database unreachable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
        };
    };
    create_webhook_endpoint_api_v1_webhook_endpoints_post: {
        parameters: {
            query?: never;
            header?: {
                /** @description The business (tenant) to act in. Needed: missing → 422 */
                "x-business-id"?: string;
                /** @description Recorded as created_by / updated_by for audit */
                "x-user-email"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "url": "https://example.com/webhooks/customers",
                 *       "events": [
                 *         "customer.created",
                 *         "customer.updated"
                 *       ]
                 *     }
                 */
                "application/json": components["schemas"]["WebhookEndpointCreateRequest"];
            };
        };
        responses: {
            /** @description Successful Response */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SuccessEnvelope_WebhookEndpointCreatedResponse_"];
                };
            };
            /** @description Bad Request - a malformed request, or a resource in a state that forbids this */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Unauthorized - Authentication required */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Forbidden - Insufficient permissions */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Not Found - Resource does not exist */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Conflict - a unique rule would break */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Payload Too Large */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Unsupported Media Type */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Validation Error */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPValidationError"];
                };
            };
            /** @description Too Many Requests - see Retry-After */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Internal Server Error */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Service Unavailable - database unreachable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
        };
    };
    get_webhook_endpoint_api_v1_webhook_endpoints__endpoint_id__get: {
        parameters: {
            query?: never;
            header?: {
                /** @description The business (tenant) to act in. Needed: missing → 422 */
                "x-business-id"?: string;
                /** @description Recorded as created_by / updated_by for audit */
                "x-user-email"?: string;
            };
            path: {
                endpoint_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    /** @description A strong validator of this answer: send it back in `If-None-Match` to be answered 304 while the answer is the same. */
                    ETag?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SuccessEnvelope_WebhookEndpointResponse_"];
                };
            };
            /** @description Not Modified: the `If-None-Match` header names the current `ETag`: the answer is the one the client holds. No body. */
            304: {
                headers: {
                    /** @description A strong validator of this answer: send it back in `If-None-Match` to be answered 304 while the answer is the same. */
                    ETag?: string;
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Bad Request - a malformed request, or a resource in a state that forbids this */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Unauthorized - Authentication required */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Forbidden - Insufficient permissions */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Not Found - Resource does not exist */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Payload Too Large */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Unsupported Media Type */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Validation Error */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPValidationError"];
                };
            };
            /** @description Too Many Requests - see Retry-After */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Internal Server Error */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Service Unavailable - database unreachable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
        };
    };
    update_webhook_endpoint_api_v1_webhook_endpoints__endpoint_id__put: {
        parameters: {
            query?: never;
            header?: {
                /** @description The business (tenant) to act in. Needed: missing → 422 */
                "x-business-id"?: string;
                /** @description Recorded as created_by / updated_by for audit */
                "x-user-email"?: string;
            };
            path: {
                endpoint_id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "enabled": false
                 *     }
                 */
                "application/json": components["schemas"]["WebhookEndpointUpdateRequest"];
            };
        };
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SuccessEnvelope_WebhookEndpointResponse_"];
                };
            };
            /** @description Bad Request - a malformed request, or a resource in a state that forbids this */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Unauthorized - Authentication required */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Forbidden - Insufficient permissions */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Not Found - Resource does not exist */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Payload Too Large */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Unsupported Media Type */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Validation Error */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPValidationError"];
                };
            };
            /** @description Too Many Requests - see Retry-After */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Internal Server Error */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Service Unavailable - database unreachable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
        };
    };
    delete_webhook_endpoint_api_v1_webhook_endpoints__endpoint_id__delete: {
        parameters: {
            query?: never;
            header?: {
                /** @description The business (tenant) to act in. Needed: missing → 422 */
                "x-business-id"?: string;
                /** @description Recorded as created_by / updated_by for audit */
                "x-user-email"?: string;
            };
            path: {
                endpoint_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SuccessEnvelope_NoneType_"];
                };
            };
            /** @description Bad Request - a malformed request, or a resource in a state that forbids this */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Unauthorized - Authentication required */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Forbidden - Insufficient permissions */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Not Found - Resource does not exist */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Payload Too Large */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Unsupported Media Type */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Validation Error */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPValidationError"];
                };
            };
            /** @description Too Many Requests - see Retry-After */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Internal Server Error */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Service Unavailable - database unreachable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
        };
    };
    rotate_webhook_secret_api_v1_webhook_endpoints__endpoint_id__rotate_secret_post: {
        parameters: {
            query?: never;
            header?: {
                /** @description The business (tenant) to act in. Needed: missing → 422 */
                "x-business-id"?: string;
                /** @description Recorded as created_by / updated_by for audit */
                "x-user-email"?: string;
            };
            path: {
                endpoint_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SuccessEnvelope_WebhookEndpointCreatedResponse_"];
                };
            };
            /** @description Bad Request - a malformed request, or a resource in a state that forbids this */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Unauthorized - Authentication required */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Forbidden - Insufficient permissions */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Not Found - Resource does not exist */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Payload Too Large */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Unsupported Media Type */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Validation Error */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPValidationError"];
                };
            };
            /** @description Too Many Requests - see Retry-After */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Internal Server Error */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Service Unavailable - database unreachable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
        };
    };
    send_webhook_test_event_api_v1_webhook_endpoints__endpoint_id__test_post: {
        parameters: {
            query?: never;
            header?: {
                /** @description The business (tenant) to act in. Needed: missing → 422 */
                "x-business-id"?: string;
                /** @description Recorded as created_by / updated_by for audit */
                "x-user-email"?: string;
                /** @description Makes a retry safe: the first request with a key runs, a later one with the same key, method, path and body gets the same answer (header Idempotent-Replayed: true) and does nothing. Kept 24 hours, per business (or per user without x-business-id). */
                "idempotency-key"?: string;
            };
            path: {
                endpoint_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SuccessEnvelope_WebhookDeliveryScheduledResponse_"];
                };
            };
            /** @description Bad Request - a malformed request, or a resource in a state that forbids this */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Unauthorized - Authentication required */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Forbidden - Insufficient permissions */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Not Found - Resource does not exist */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Conflict - a unique rule would break */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Payload Too Large */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Unsupported Media Type */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Validation Error */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPValidationError"];
                };
            };
            /** @description Too Many Requests - see Retry-After */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Internal Server Error */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Service Unavailable - database unreachable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
        };
    };
    redeliver_webhook_event_api_v1_webhook_endpoints__endpoint_id__deliveries__event_id__redeliver_post: {
        parameters: {
            query?: never;
            header?: {
                /** @description The business (tenant) to act in. Needed: missing → 422 */
                "x-business-id"?: string;
                /** @description Recorded as created_by / updated_by for audit */
                "x-user-email"?: string;
                /** @description Makes a retry safe: the first request with a key runs, a later one with the same key, method, path and body gets the same answer (header Idempotent-Replayed: true) and does nothing. Kept 24 hours, per business (or per user without x-business-id). */
                "idempotency-key"?: string;
            };
            path: {
                endpoint_id: string;
                event_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SuccessEnvelope_WebhookDeliveryScheduledResponse_"];
                };
            };
            /** @description Bad Request - a malformed request, or a resource in a state that forbids this */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Unauthorized - Authentication required */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Forbidden - Insufficient permissions */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Not Found - Resource does not exist */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Conflict - a unique rule would break */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Payload Too Large */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Unsupported Media Type */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Validation Error */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPValidationError"];
                };
            };
            /** @description Too Many Requests - see Retry-After */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Internal Server Error */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Service Unavailable - database unreachable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
        };
    };
    list_webhook_deliveries_api_v1_webhook_endpoints__endpoint_id__deliveries_get: {
        parameters: {
            query?: {
                /** @description Cursor for pagination */
                cursor?: string;
                /** @description Pagination limit */
                limit?: number;
                /** @description Pagination direction: 'next' or 'prev' */
                direction?: "next" | "prev";
                /** @description Whether to include total count (expensive - avoid if possible) */
                include_total_count?: boolean;
                /** @description Column name to sort by: 'created_at'. */
                sort_by?: "created_at";
                /** @description Sort direction: true for descending (newest/largest first), false for ascending */
                descending?: boolean;
            };
            header?: {
                /** @description The business (tenant) to act in. Needed: missing → 422 */
                "x-business-id"?: string;
                /** @description Recorded as created_by / updated_by for audit */
                "x-user-email"?: string;
            };
            path: {
                endpoint_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    /** @description A strong validator of this answer: send it back in `If-None-Match` to be answered 304 while the answer is the same. */
                    ETag?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SuccessEnvelope_WebhookDeliveryAttemptListResponse_"];
                };
            };
            /** @description Not Modified: the `If-None-Match` header names the current `ETag`: the answer is the one the client holds. No body. */
            304: {
                headers: {
                    /** @description A strong validator of this answer: send it back in `If-None-Match` to be answered 304 while the answer is the same. */
                    ETag?: string;
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Bad Request - a malformed request, or a resource in a state that forbids this */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Unauthorized - Authentication required */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Forbidden - Insufficient permissions */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Not Found - Resource does not exist */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Payload Too Large */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Unsupported Media Type */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Validation Error */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPValidationError"];
                };
            };
            /** @description Too Many Requests - see Retry-After */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Internal Server Error */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Service Unavailable - database unreachable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
        };
    };
    get_customers_api_v1_customers_get: {
        parameters: {
            query?: {
                /** @description Exact customer id */
                id?: string;
                /** @description Exact e-mail, case-insensitive */
                email?: string;
                status?: components["schemas"]["CounterpartyStatus"];
                /** @description Fuzzy and substring match on the name, case- and accent-insensitive; at most 200 characters, also once normalised */
                search?: string;
                /** @description Cursor for pagination */
                cursor?: string;
                /** @description Pagination limit */
                limit?: number;
                /** @description Pagination direction: 'next' or 'prev' */
                direction?: "next" | "prev";
                /** @description Whether to include total count (expensive - avoid if possible) */
                include_total_count?: boolean;
                /** @description Column name to sort by: 'created_at', 'updated_at', 'name', 'email', 'credit_limit_cents' (alias 'amount'), 'status', or 'relevance' (best match first; only with search). When changing sort, reset cursor to None. */
                sort_by?: "created_at" | "updated_at" | "name" | "email" | "credit_limit_cents" | "status" | "amount" | "relevance";
                /** @description Sort direction: true for descending (newest/largest first), false for ascending */
                descending?: boolean;
            };
            header?: {
                /** @description The business (tenant) to act in. Needed: missing → 422 */
                "x-business-id"?: string;
                /** @description Recorded as created_by / updated_by for audit */
                "x-user-email"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    /** @description A strong validator of this answer: send it back in `If-None-Match` to be answered 304 while the answer is the same. */
                    ETag?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SuccessEnvelope_CustomerListResponse_"];
                };
            };
            /** @description Not Modified: the `If-None-Match` header names the current `ETag`: the answer is the one the client holds. No body. */
            304: {
                headers: {
                    /** @description A strong validator of this answer: send it back in `If-None-Match` to be answered 304 while the answer is the same. */
                    ETag?: string;
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Bad Request - a malformed request, or a resource in a state that forbids this */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Unauthorized - Authentication required */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Forbidden - Insufficient permissions */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Not Found - Resource does not exist */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Payload Too Large */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Unsupported Media Type */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Validation Error */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPValidationError"];
                };
            };
            /** @description Too Many Requests - see Retry-After */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Internal Server Error */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Service Unavailable - database unreachable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
        };
    };
    create_customer_api_v1_customers_post: {
        parameters: {
            query?: never;
            header?: {
                /** @description The business (tenant) to act in. Needed: missing → 422 */
                "x-business-id"?: string;
                /** @description Recorded as created_by / updated_by for audit */
                "x-user-email"?: string;
                /** @description Makes a retry safe: the first request with a key runs, a later one with the same key, method, path and body gets the same answer (header Idempotent-Replayed: true) and does nothing. Kept 24 hours, per business (or per user without x-business-id). */
                "idempotency-key"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CustomerCreateRequest"];
            };
        };
        responses: {
            /** @description Successful Response */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SuccessEnvelope_CustomerResponse_"];
                };
            };
            /** @description Bad Request - a malformed request, or a resource in a state that forbids this */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Unauthorized - Authentication required */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Forbidden - Insufficient permissions */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Not Found - Resource does not exist */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Conflict - a unique rule would break */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Payload Too Large */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Unsupported Media Type */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Validation Error */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPValidationError"];
                };
            };
            /** @description Too Many Requests - see Retry-After */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Internal Server Error */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Service Unavailable - database unreachable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
        };
    };
    bulk_upload_customers_api_v1_customers_bulk_upload_post: {
        parameters: {
            query?: never;
            header?: {
                /** @description The business (tenant) to act in. Needed: missing → 422 */
                "x-business-id"?: string;
                /** @description Recorded as created_by / updated_by for audit */
                "x-user-email"?: string;
                /** @description Makes a retry safe: the first request with a key runs, a later one with the same key, method, path and body gets the same answer (header Idempotent-Replayed: true) and does nothing. Kept 24 hours, per business (or per user without x-business-id). */
                "idempotency-key"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "multipart/form-data": {
                    /**
                     * Format: binary
                     * @description The CSV file
                     */
                    file: string;
                };
            };
        };
        responses: {
            /** @description Successful Response */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SuccessEnvelope_CustomerBulkUploadResponse_"];
                };
            };
            /** @description Bad Request - a malformed request, or a resource in a state that forbids this */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Unauthorized - Authentication required */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Forbidden - Insufficient permissions */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Not Found - Resource does not exist */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Payload Too Large */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Unsupported Media Type */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Validation Error */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPValidationError"];
                };
            };
            /** @description Too Many Requests - see Retry-After */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Internal Server Error */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Service Unavailable - database unreachable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
        };
    };
    download_customer_bulk_upload_template_api_v1_customers_bulk_upload_template_get: {
        parameters: {
            query?: never;
            header?: {
                /** @description The business (tenant) to act in. Needed: missing → 422 */
                "x-business-id"?: string;
                /** @description Recorded as created_by / updated_by for audit */
                "x-user-email"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    /** @description A strong validator of this answer: send it back in `If-None-Match` to be answered 304 while the answer is the same. */
                    ETag?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SuccessEnvelope_TemplateResponse_"];
                };
            };
            /** @description Not Modified: the `If-None-Match` header names the current `ETag`: the answer is the one the client holds. No body. */
            304: {
                headers: {
                    /** @description A strong validator of this answer: send it back in `If-None-Match` to be answered 304 while the answer is the same. */
                    ETag?: string;
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Bad Request - a malformed request, or a resource in a state that forbids this */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Unauthorized - Authentication required */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Forbidden - Insufficient permissions */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Not Found - Resource does not exist */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Payload Too Large */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Unsupported Media Type */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Validation Error */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPValidationError"];
                };
            };
            /** @description Too Many Requests - see Retry-After */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Internal Server Error */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Service Unavailable - database unreachable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
        };
    };
    export_customers_api_v1_customers_export_get: {
        parameters: {
            query?: {
                /** @description Exact customer id */
                id?: string;
                /** @description Exact e-mail, case-insensitive */
                email?: string;
                status?: components["schemas"]["CounterpartyStatus"];
                /** @description Fuzzy and substring match on the name, case- and accent-insensitive; at most 200 characters, also once normalised */
                search?: string;
                /** @description Column name to sort by: 'created_at', 'updated_at', 'name', 'email', 'credit_limit_cents' (alias 'amount'), 'status', or 'relevance' (best match first; only with search). When changing sort, reset cursor to None. */
                sort_by?: "created_at" | "updated_at" | "name" | "email" | "credit_limit_cents" | "status" | "amount" | "relevance";
                /** @description Sort direction: true for descending (newest/largest first), false for ascending */
                descending?: boolean;
            };
            header?: {
                /** @description The business (tenant) to act in. Needed: missing → 422 */
                "x-business-id"?: string;
                /** @description Recorded as created_by / updated_by for audit */
                "x-user-email"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/csv": string;
                };
            };
            /** @description Bad Request - a malformed request, or a resource in a state that forbids this */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Unauthorized - Authentication required */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Forbidden - Insufficient permissions */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Not Found - Resource does not exist */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Payload Too Large */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Unsupported Media Type */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Validation Error */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPValidationError"];
                };
            };
            /** @description Too Many Requests - see Retry-After */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Internal Server Error */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Service Unavailable - database unreachable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
        };
    };
    create_customer_export_link_api_v1_customers_export_links_post: {
        parameters: {
            query?: {
                /** @description Exact customer id */
                id?: string;
                /** @description Exact e-mail, case-insensitive */
                email?: string;
                status?: components["schemas"]["CounterpartyStatus"];
                /** @description Fuzzy and substring match on the name, case- and accent-insensitive; at most 200 characters, also once normalised */
                search?: string;
                /** @description Column name to sort by: 'created_at', 'updated_at', 'name', 'email', 'credit_limit_cents' (alias 'amount'), 'status', or 'relevance' (best match first; only with search). When changing sort, reset cursor to None. */
                sort_by?: "created_at" | "updated_at" | "name" | "email" | "credit_limit_cents" | "status" | "amount" | "relevance";
                /** @description Sort direction: true for descending (newest/largest first), false for ascending */
                descending?: boolean;
            };
            header?: {
                /** @description The business (tenant) to act in. Needed: missing → 422 */
                "x-business-id"?: string;
                /** @description Recorded as created_by / updated_by for audit */
                "x-user-email"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SuccessEnvelope_CustomerExportLinkResponse_"];
                };
            };
            /** @description Bad Request - a malformed request, or a resource in a state that forbids this */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Unauthorized - Authentication required */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Forbidden - Insufficient permissions */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Not Found - Resource does not exist */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Payload Too Large */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Unsupported Media Type */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Validation Error */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPValidationError"];
                };
            };
            /** @description Too Many Requests - see Retry-After */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Internal Server Error */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Service Unavailable - database unreachable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
        };
    };
    get_customer_api_v1_customers__customer_id__get: {
        parameters: {
            query?: never;
            header?: {
                /** @description The business (tenant) to act in. Needed: missing → 422 */
                "x-business-id"?: string;
                /** @description Recorded as created_by / updated_by for audit */
                "x-user-email"?: string;
            };
            path: {
                customer_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    /** @description A strong validator of this answer: send it back in `If-None-Match` to be answered 304 while the answer is the same. */
                    ETag?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SuccessEnvelope_CustomerResponse_"];
                };
            };
            /** @description Not Modified: the `If-None-Match` header names the current `ETag`: the answer is the one the client holds. No body. */
            304: {
                headers: {
                    /** @description A strong validator of this answer: send it back in `If-None-Match` to be answered 304 while the answer is the same. */
                    ETag?: string;
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Bad Request - a malformed request, or a resource in a state that forbids this */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Unauthorized - Authentication required */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Forbidden - Insufficient permissions */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Not Found - Resource does not exist */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Payload Too Large */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Unsupported Media Type */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Validation Error */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPValidationError"];
                };
            };
            /** @description Too Many Requests - see Retry-After */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Internal Server Error */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Service Unavailable - database unreachable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
        };
    };
    update_customer_api_v1_customers__customer_id__put: {
        parameters: {
            query?: never;
            header?: {
                /** @description The business (tenant) to act in. Needed: missing → 422 */
                "x-business-id"?: string;
                /** @description Recorded as created_by / updated_by for audit */
                "x-user-email"?: string;
            };
            path: {
                customer_id: string;
            };
            cookie?: never;
        };
        /** @description Partial: a field left out is unchanged; null clears an optional field */
        requestBody: {
            content: {
                "application/json": components["schemas"]["CustomerUpdateRequest"];
            };
        };
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SuccessEnvelope_CustomerResponse_"];
                };
            };
            /** @description Bad Request - a malformed request, or a resource in a state that forbids this */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Unauthorized - Authentication required */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Forbidden - Insufficient permissions */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Not Found - Resource does not exist */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Conflict - a unique rule would break */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Payload Too Large */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Unsupported Media Type */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Validation Error */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPValidationError"];
                };
            };
            /** @description Too Many Requests - see Retry-After */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Internal Server Error */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Service Unavailable - database unreachable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
        };
    };
    delete_customer_api_v1_customers__customer_id__delete: {
        parameters: {
            query?: never;
            header?: {
                /** @description The business (tenant) to act in. Needed: missing → 422 */
                "x-business-id"?: string;
                /** @description Recorded as created_by / updated_by for audit */
                "x-user-email"?: string;
            };
            path: {
                customer_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SuccessEnvelope_NoneType_"];
                };
            };
            /** @description Bad Request - a malformed request, or a resource in a state that forbids this */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Unauthorized - Authentication required */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Forbidden - Insufficient permissions */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Not Found - Resource does not exist */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Payload Too Large */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Unsupported Media Type */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Validation Error */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPValidationError"];
                };
            };
            /** @description Too Many Requests - see Retry-After */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Internal Server Error */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Service Unavailable - database unreachable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
        };
    };
    download_customer_export_api_v1_export_links__secret__get: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                secret: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/csv": string;
                };
            };
            /** @description Bad Request - a malformed request, or a resource in a state that forbids this */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Unauthorized - Authentication required */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Forbidden - Insufficient permissions */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Payload Too Large */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Unsupported Media Type */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Validation Error */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPValidationError"];
                };
            };
            /** @description Too Many Requests - see Retry-After */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Internal Server Error */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Service Unavailable - database unreachable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
        };
    };
    list_contacts_api_v1_customers__customer_id__contacts_get: {
        parameters: {
            query?: {
                /** @description Cursor for pagination */
                cursor?: string;
                /** @description Pagination limit */
                limit?: number;
                /** @description Pagination direction: 'next' or 'prev' */
                direction?: "next" | "prev";
                /** @description Whether to include total count (expensive - avoid if possible) */
                include_total_count?: boolean;
                /** @description Column name to sort by: 'created_at', 'updated_at', 'name', 'email' or 'role'. When changing sort, reset cursor to None. */
                sort_by?: "created_at" | "updated_at" | "name" | "email" | "role";
                /** @description Sort direction: true for descending (newest/largest first), false for ascending */
                descending?: boolean;
            };
            header?: {
                /** @description The business (tenant) to act in. Needed: missing → 422 */
                "x-business-id"?: string;
                /** @description Recorded as created_by / updated_by for audit */
                "x-user-email"?: string;
            };
            path: {
                customer_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    /** @description A strong validator of this answer: send it back in `If-None-Match` to be answered 304 while the answer is the same. */
                    ETag?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SuccessEnvelope_EntityContactListResponse_"];
                };
            };
            /** @description Not Modified: the `If-None-Match` header names the current `ETag`: the answer is the one the client holds. No body. */
            304: {
                headers: {
                    /** @description A strong validator of this answer: send it back in `If-None-Match` to be answered 304 while the answer is the same. */
                    ETag?: string;
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Bad Request - a malformed request, or a resource in a state that forbids this */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Unauthorized - Authentication required */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Forbidden - Insufficient permissions */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Not Found - Resource does not exist */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Payload Too Large */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Unsupported Media Type */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Validation Error */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPValidationError"];
                };
            };
            /** @description Too Many Requests - see Retry-After */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Internal Server Error */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Service Unavailable - database unreachable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
        };
    };
    create_contact_api_v1_customers__customer_id__contacts_post: {
        parameters: {
            query?: never;
            header?: {
                /** @description The business (tenant) to act in. Needed: missing → 422 */
                "x-business-id"?: string;
                /** @description Recorded as created_by / updated_by for audit */
                "x-user-email"?: string;
                /** @description Makes a retry safe: the first request with a key runs, a later one with the same key, method, path and body gets the same answer (header Idempotent-Replayed: true) and does nothing. Kept 24 hours, per business (or per user without x-business-id). */
                "idempotency-key"?: string;
            };
            path: {
                customer_id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["EntityContactCreateRequest"];
            };
        };
        responses: {
            /** @description Successful Response */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SuccessEnvelope_EntityContactResponse_"];
                };
            };
            /** @description Bad Request - a malformed request, or a resource in a state that forbids this */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Unauthorized - Authentication required */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Forbidden - Insufficient permissions */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Not Found - Resource does not exist */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Conflict - a unique rule would break */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Payload Too Large */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Unsupported Media Type */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Validation Error */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPValidationError"];
                };
            };
            /** @description Too Many Requests - see Retry-After */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Internal Server Error */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Service Unavailable - database unreachable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
        };
    };
    get_contact_api_v1_customers__customer_id__contacts__contact_id__get: {
        parameters: {
            query?: never;
            header?: {
                /** @description The business (tenant) to act in. Needed: missing → 422 */
                "x-business-id"?: string;
                /** @description Recorded as created_by / updated_by for audit */
                "x-user-email"?: string;
            };
            path: {
                customer_id: string;
                contact_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    /** @description A strong validator of this answer: send it back in `If-None-Match` to be answered 304 while the answer is the same. */
                    ETag?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SuccessEnvelope_EntityContactResponse_"];
                };
            };
            /** @description Not Modified: the `If-None-Match` header names the current `ETag`: the answer is the one the client holds. No body. */
            304: {
                headers: {
                    /** @description A strong validator of this answer: send it back in `If-None-Match` to be answered 304 while the answer is the same. */
                    ETag?: string;
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Bad Request - a malformed request, or a resource in a state that forbids this */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Unauthorized - Authentication required */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Forbidden - Insufficient permissions */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Not Found - Resource does not exist */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Payload Too Large */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Unsupported Media Type */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Validation Error */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPValidationError"];
                };
            };
            /** @description Too Many Requests - see Retry-After */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Internal Server Error */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Service Unavailable - database unreachable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
        };
    };
    update_contact_api_v1_customers__customer_id__contacts__contact_id__put: {
        parameters: {
            query?: never;
            header?: {
                /** @description The business (tenant) to act in. Needed: missing → 422 */
                "x-business-id"?: string;
                /** @description Recorded as created_by / updated_by for audit */
                "x-user-email"?: string;
            };
            path: {
                customer_id: string;
                contact_id: string;
            };
            cookie?: never;
        };
        /** @description Partial: a field left out is unchanged; null clears it */
        requestBody: {
            content: {
                "application/json": components["schemas"]["EntityContactUpdateRequest"];
            };
        };
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SuccessEnvelope_EntityContactResponse_"];
                };
            };
            /** @description Bad Request - a malformed request, or a resource in a state that forbids this */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Unauthorized - Authentication required */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Forbidden - Insufficient permissions */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Not Found - Resource does not exist */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Conflict - a unique rule would break */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Payload Too Large */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Unsupported Media Type */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Validation Error */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPValidationError"];
                };
            };
            /** @description Too Many Requests - see Retry-After */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Internal Server Error */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Service Unavailable - database unreachable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
        };
    };
    delete_contact_api_v1_customers__customer_id__contacts__contact_id__delete: {
        parameters: {
            query?: never;
            header?: {
                /** @description The business (tenant) to act in. Needed: missing → 422 */
                "x-business-id"?: string;
                /** @description Recorded as created_by / updated_by for audit */
                "x-user-email"?: string;
            };
            path: {
                customer_id: string;
                contact_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SuccessEnvelope_NoneType_"];
                };
            };
            /** @description Bad Request - a malformed request, or a resource in a state that forbids this */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Unauthorized - Authentication required */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Forbidden - Insufficient permissions */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Not Found - Resource does not exist */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Payload Too Large */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Unsupported Media Type */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Validation Error */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPValidationError"];
                };
            };
            /** @description Too Many Requests - see Retry-After */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Internal Server Error */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
            /** @description Service Unavailable - database unreachable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPError"];
                };
            };
        };
    };
}
