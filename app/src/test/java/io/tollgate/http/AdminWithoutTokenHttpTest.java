package io.tollgate.http;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** A sidecar started with no tollgate.admin.token: every admin call is 403 and says how to set one. */
class AdminWithoutTokenHttpTest {
    @RegisterExtension
    static final RunningSidecar SIDECAR = RunningSidecar.builder().withoutAdminToken().build();

    @Test
    void adminIsForbiddenWithOrWithoutAToken() {
        for (String auth : new String[] {null, "Bearer ", "Bearer anything"}) {
            Reply r = SIDECAR.adminAs(auth, "PUT", "/admin/users/nt-user", Map.of("tier", "enterprise"));
            assertThat(r.status()).as("Authorization %s -> %s", auth, r).isEqualTo(403);
            assertThat(r.json()).isNotNull();
            assertThat(r.textField("error")).isEqualTo("forbidden");
            assertThat(r.textField("message")).contains("tollgate.admin.token").contains("TOLLGATE_ADMIN_TOKEN");
        }
        assertThat(SIDECAR.adminAs(null, "GET", "/admin/users/nt-user", null).status()).isEqualTo(403);
        assertThat(SIDECAR.adminAs(null, "POST", "/admin/users/nt-user/reset", null).status()).isEqualTo(403);
        assertThat(SIDECAR.acquire("nt-user", "search").textField("tier")).as("nothing was changed").isEqualTo("free");
    }

    @Test
    void theRestOfTheApiWorks() {
        assertThat(SIDECAR.acquire("nt-other", "search").status()).isEqualTo(200);
    }
}
