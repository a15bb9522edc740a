import type { Metadata } from "next";
import { LoginView } from "@/features/auth/components/login-view";

export const metadata: Metadata = { title: "Sign in" };

type Query = Record<string, string | string[] | undefined>;

/** The first value of a query parameter (`?next=a&next=b` means a). */
const first = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value) ?? null;

export default async function LoginPage({ searchParams }: { searchParams: Promise<Query> }) {
  const query = await searchParams;
  return <LoginView next={first(query.next)} ssoError={first(query.error)} />;
}
