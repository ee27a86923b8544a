package dev.conduit.example;

import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.stereotype.Service;

/** A method-secured service that {@code /secure/echo}'s handler calls as the user who upgraded. */
@Service
public class SecuredEchoService {

    /**
     * @param text what the user sent
     * @return {@code "<user>: <text>"}
     * @throws org.springframework.security.access.AccessDeniedException if the user lacks the role USER
     */
    @PreAuthorize("hasRole('USER')")
    public String echo(String text) {
        return SecurityContextHolder.getContext().getAuthentication().getName() + ": " + text;
    }
}
