"use client";

import { ChevronDown, LogOut, UserRound } from "lucide-react";
import Link from "next/link";
import { DropdownMenu } from "radix-ui";
import { useState } from "react";
import { logout } from "@/lib/client/endpoints";
import { accountPath, loginPath } from "@/lib/client/sign-in-paths";
import { useMe } from "@/lib/client/use-me";

const item =
  "flex cursor-pointer select-none items-center gap-2 rounded px-2 py-1.5 text-sm text-slate-700 outline-none data-[highlighted]:bg-slate-100 data-[highlighted]:text-slate-900";

/** The header's right end with accounts on: who is signed in, their account page and signing out. Nothing in local mode. */
export function UserMenu() {
  const { me } = useMe();
  const [signingOut, setSigningOut] = useState(false);
  if (me?.mode !== "accounts" || !me.user) return null;

  async function signOut() {
    setSigningOut(true);
    // Even when this fails (the session may have ended already), the sign-in page is the right place now.
    await logout().catch(() => {});
    window.location.assign(loginPath);
  }

  return (
    <DropdownMenu.Root>
      <DropdownMenu.Trigger
        className="ml-auto inline-flex max-w-[14rem] items-center gap-1.5 rounded-md px-2 py-1.5 text-sm text-slate-700 hover:bg-slate-100 focus-visible:outline-2 focus-visible:outline-indigo-600"
        aria-label={`Account menu for ${me.user.name}`}
        data-testid="user-menu"
      >
        <UserRound className="h-4 w-4 shrink-0 text-slate-500" aria-hidden="true" />
        <span className="truncate">{me.user.name}</span>
        <ChevronDown className="h-3.5 w-3.5 shrink-0 text-slate-400" aria-hidden="true" />
      </DropdownMenu.Trigger>
      <DropdownMenu.Portal>
        <DropdownMenu.Content
          align="end"
          sideOffset={6}
          className="z-50 min-w-[12rem] rounded-md border border-slate-200 bg-white p-1 shadow-lg"
        >
          <DropdownMenu.Label className="truncate px-2 py-1.5 text-xs text-slate-500">
            {me.user.email}
          </DropdownMenu.Label>
          <DropdownMenu.Separator className="my-1 h-px bg-slate-100" />
          <DropdownMenu.Item asChild className={item}>
            <Link href={accountPath}>
              <UserRound className="h-4 w-4" aria-hidden="true" />
              Account
            </Link>
          </DropdownMenu.Item>
          <DropdownMenu.Item
            className={item}
            disabled={signingOut}
            onSelect={(event) => {
              event.preventDefault(); // keep the menu open while signing out
              void signOut();
            }}
          >
            <LogOut className="h-4 w-4" aria-hidden="true" />
            Sign out
          </DropdownMenu.Item>
        </DropdownMenu.Content>
      </DropdownMenu.Portal>
    </DropdownMenu.Root>
  );
}
